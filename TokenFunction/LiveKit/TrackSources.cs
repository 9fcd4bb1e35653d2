using System.Diagnostics.CodeAnalysis;

namespace TokenFunction.LiveKit;

/// <summary>The lowercase wire names LiveKit uses for <see cref="TrackSource"/>, from the enum's attributes.</summary>
internal static class TrackSources
{
    /// <summary>Every wire name, for messages that list them.</summary>
    public static string List { get; } = string.Join(", ", WireNames<TrackSource>.All);

    /// <summary>Parses a wire name exactly (case-sensitive, as the server does).</summary>
    public static bool TryParse([NotNullWhen(true)] string? wire, out TrackSource source) => WireNames<TrackSource>.TryParse(wire, out source);

    public static string ToWire(TrackSource source) => WireNames<TrackSource>.Of(source);
}
