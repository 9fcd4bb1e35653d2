namespace TokenFunction.Contract;

/// <summary>Why a request is refused: becomes an RFC 9457 problem response.</summary>
/// <param name="Status">The HTTP status code.</param>
/// <param name="Detail">Safe to return: never echoes the secret, a token or the caller's credentials.</param>
/// <param name="Field">The request field that failed, as the client spelled it (e.g. <c>room_config.egress</c>).</param>
internal sealed record RequestError(int Status, string Detail, string? Field = null)
{
    public static RequestError Invalid(string field, string detail) => new(400, detail, field);

    public static RequestError Forbidden(string field, string detail) => new(403, detail, field);
}
