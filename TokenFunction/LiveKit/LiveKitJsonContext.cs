using System.Text.Json.Serialization;

namespace TokenFunction.LiveKit;

/// <summary>
/// Source-generated (de)serialization of the claim objects: camelCase names as in the protocol, and everything at
/// its default (null, false) left out, because an explicit default changes what a grant means.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingDefault,
    AllowDuplicateProperties = false)]
[JsonSerializable(typeof(VideoGrant))]
[JsonSerializable(typeof(RoomConfiguration))]
[JsonSerializable(typeof(ClaimGrants))]
internal sealed partial class LiveKitJsonContext : JsonSerializerContext;
