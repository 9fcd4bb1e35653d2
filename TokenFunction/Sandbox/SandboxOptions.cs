namespace TokenFunction.Sandbox;

/// <summary>
/// The opt-in stand-in for LiveKit Cloud's sandbox token server, bound from the <c>Sandbox</c> section
/// (<c>Sandbox__Id</c>). Unset: the sandbox routes answer 404 as if they did not exist.
/// </summary>
internal sealed class SandboxOptions
{
    public const string SectionName = "Sandbox";

    /// <summary>Shortest id accepted: the id is the routes' only credential.</summary>
    public const int MinIdLength = 16;

    /// <summary>What clients must send in <c>X-Sandbox-ID</c>; empty turns the sandbox routes off.</summary>
    public string Id { get; set; } = "";

    public bool IsEnabled => Id.Length > 0;
}
