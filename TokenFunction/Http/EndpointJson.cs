using System.Text.Json.Serialization;

namespace TokenFunction.Http;

/// <summary>201 body of <c>POST /api/token</c>: snake_case only, as LiveKit's Swift client decodes it.</summary>
internal sealed record TokenResponse(
    [property: JsonPropertyName("server_url")] string ServerUrl,
    [property: JsonPropertyName("participant_token")] string ParticipantToken,
    [property: JsonPropertyName("room_name")] string RoomName,
    [property: JsonPropertyName("participant_identity")] string ParticipantIdentity,
    [property: JsonPropertyName("participant_name")] string ParticipantName);

/// <summary>200 body of <c>/api/connection-details</c>: the sandbox's camelCase shape.</summary>
internal sealed record ConnectionDetailsResponse(
    [property: JsonPropertyName("serverUrl")] string ServerUrl,
    [property: JsonPropertyName("roomName")] string RoomName,
    [property: JsonPropertyName("participantName")] string ParticipantName,
    [property: JsonPropertyName("participantToken")] string ParticipantToken);

/// <summary>An RFC 9457 problem: <c>type</c>, <c>title</c>, <c>status</c>, <c>detail</c> and our extension members.</summary>
internal sealed record ProblemDetailsBody(
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("title")] string Title,
    [property: JsonPropertyName("status")] int Status,
    [property: JsonPropertyName("detail")] string Detail)
{
    /// <summary>The request field that failed validation, as the client spelled it.</summary>
    [JsonPropertyName("field")]
    public string? Field { get; init; }

    /// <summary>For 500s: the invocation id to quote when asking what went wrong (the details are in the log).</summary>
    [JsonPropertyName("correlationId")]
    public string? CorrelationId { get; init; }
}

internal sealed record HealthResponse([property: JsonPropertyName("status")] string Status);

/// <summary>Source-generated (de)serialization for everything the endpoints read and write.</summary>
[JsonSourceGenerationOptions(
    AllowDuplicateProperties = false,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    ReadCommentHandling = System.Text.Json.JsonCommentHandling.Disallow,
    AllowTrailingCommas = false,
    NumberHandling = JsonNumberHandling.Strict,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip)]
[JsonSerializable(typeof(TokenRequestBody))]
[JsonSerializable(typeof(TokenResponse))]
[JsonSerializable(typeof(ConnectionDetailsResponse))]
[JsonSerializable(typeof(ProblemDetailsBody))]
[JsonSerializable(typeof(HealthResponse))]
internal sealed partial class EndpointJsonContext : JsonSerializerContext;
