using System.Buffers;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using TokenFunction.LiveKit;

namespace TokenFunction.Tests.Support.LiveKit;

// Test code: the service only signs, so the verifier moved here from the product (issue 20 item 7). It keeps the
// product's namespace so that the tests, end-to-end ones included, name it as before.

/// <summary>
/// Checks a LiveKit access token the way the server does: HS256 only, signature compared in fixed time, <c>iss</c>
/// equal to the API key, <c>exp</c> required, lifetime checked with <see cref="DefaultLeeway"/>. Any bad token gives
/// a failed result with a reason, never an exception.
/// </summary>
internal sealed class TokenVerifier
{
    /// <summary>The LiveKit server's clock leeway on <c>nbf</c> and <c>exp</c>.</summary>
    public static readonly TimeSpan DefaultLeeway = TimeSpan.FromSeconds(60);

    // A join token's metadata may be 512 KiB and attributes 64 KiB; anything far beyond is not a LiveKit token.
    internal const int MaxTokenLength = 1024 * 1024;
    internal const int MaxHeaderLength = 1024;

    private static readonly JsonReaderOptions s_headerReaderOptions = new() { MaxDepth = 4 };

    private readonly string _apiKey;
    private readonly string _apiSecret;
    private readonly TimeProvider _timeProvider;

    public TokenVerifier(string apiKey, string apiSecret, TimeProvider? timeProvider = null)
    {
        CredentialGuard.ThrowIfEmpty(apiKey, apiSecret);
        _apiKey = apiKey;
        _apiSecret = apiSecret;
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <summary>Clock leeway applied to both <c>nbf</c> and <c>exp</c>.</summary>
    public TimeSpan Leeway { get; init; } = DefaultLeeway;

    public TokenVerificationResult Verify(string token)
    {
        if (string.IsNullOrEmpty(token))
        {
            return TokenVerificationResult.Failure("The token is empty.");
        }

        if (token.Length > MaxTokenLength)
        {
            return TokenVerificationResult.Failure("The token is too long.");
        }

        var firstDot = token.IndexOf('.', StringComparison.Ordinal);
        var lastDot = token.LastIndexOf('.');
        if (firstDot <= 0 || lastDot == firstDot || token.AsSpan(firstDot + 1, lastDot - firstDot - 1).Contains('.'))
        {
            return TokenVerificationResult.Failure("The token is not a compact JWS of three parts.");
        }

        var headerPart = token.AsSpan(0, firstDot);
        var payloadPart = token.AsSpan(firstDot + 1, lastDot - firstDot - 1);
        var signaturePart = token.AsSpan(lastDot + 1);
        if (!IsBase64UrlText(headerPart))
        {
            return TokenVerificationResult.Failure("The token's header is not valid base64url.");
        }

        try
        {
            // The header first, so that an unsigned "alg: none" token is refused for what it is.
            if (CheckHeader(headerPart) is { } headerProblem)
            {
                return TokenVerificationResult.Failure(headerProblem);
            }

            if (!IsBase64UrlText(payloadPart) || !IsBase64UrlText(signaturePart))
            {
                return TokenVerificationResult.Failure("The token is not valid base64url.");
            }

            if (!SignatureMatches(token.AsSpan(0, lastDot), signaturePart))
            {
                return TokenVerificationResult.Failure("The token's signature does not match.");
            }

            return CheckPayload(payloadPart);
        }
        catch (Exception e) when (e is JsonException or FormatException or ArgumentException or InvalidOperationException or NotSupportedException)
        {
            // Only reachable through a validly signed token with an odd payload; the message names no input.
            return TokenVerificationResult.Failure("The token's payload is not valid LiveKit claims JSON.");
        }
    }

    private static string? CheckHeader(ReadOnlySpan<char> headerPart)
    {
        if (headerPart.Length > MaxHeaderLength)
        {
            return "The token's header is too long.";
        }

        Span<byte> header = stackalloc byte[Base64Url.GetMaxDecodedLength(headerPart.Length)];
        if (Base64Url.DecodeFromChars(headerPart, header, out _, out var written) != OperationStatus.Done)
        {
            return "The token's header is not valid base64url.";
        }

        try
        {
            return CheckHeaderJson(header[..written]);
        }
        catch (JsonException)
        {
            return "The token's header is not valid JSON.";
        }
    }

    private static string? CheckHeaderJson(ReadOnlySpan<byte> header)
    {
        var reader = new Utf8JsonReader(header, s_headerReaderOptions);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return "The token's header is not a JSON object.";
        }

        string? alg = null;
        var seen = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (++seen > 8)
            {
                return "The token's header has too many members.";
            }

            if (reader.ValueTextEquals("alg"u8))
            {
                if (alg is not null || !reader.Read() || reader.TokenType != JsonTokenType.String)
                {
                    return "The token's header has an invalid alg.";
                }

                alg = reader.GetString();
            }
            else if (reader.ValueTextEquals("typ"u8))
            {
                if (!reader.Read() || reader.TokenType != JsonTokenType.String || !reader.ValueTextEquals("JWT"u8))
                {
                    return "The token's header has a typ other than JWT.";
                }
            }
            else if (reader.ValueTextEquals("crit"u8))
            {
                return "The token's header has critical extensions, which LiveKit tokens never use.";
            }
            else
            {
                reader.Skip();
            }
        }

        if (reader.TokenType != JsonTokenType.EndObject || reader.Read())
        {
            return "The token's header is not a JSON object.";
        }

        return alg switch
        {
            null => "The token's header has no alg.",
            "HS256" => null,
            _ => "The token's alg is not HS256, the only algorithm LiveKit accepts.",
        };
    }

    private bool SignatureMatches(ReadOnlySpan<char> signingInput, ReadOnlySpan<char> signaturePart)
    {
        const int encodedMacLength = 43;
        if (signaturePart.Length != encodedMacLength)
        {
            return false;
        }

        var input = ArrayPool<byte>.Shared.Rent(signingInput.Length);
        try
        {
            // Every character was checked to be base64url or '.', so this is one byte per character.
            var inputLength = Encoding.ASCII.GetBytes(signingInput, input);
            Span<byte> mac = stackalloc byte[HmacSha256Signer.MacSize];
            HmacSha256Signer.Sign(_apiSecret, input.AsSpan(0, inputLength), mac);

            // Compare the canonical encoding of our MAC with the text given: this also refuses non-canonical spellings
            // of the same bytes.
            Span<byte> expected = stackalloc byte[encodedMacLength];
            Base64Url.EncodeToUtf8(mac, expected);
            Span<byte> given = stackalloc byte[encodedMacLength];
            Encoding.ASCII.GetBytes(signaturePart, given);
            return CryptographicOperations.FixedTimeEquals(expected, given);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(input);
        }
    }

    private TokenVerificationResult CheckPayload(ReadOnlySpan<char> payloadPart)
    {
        var payload = ArrayPool<byte>.Shared.Rent(Base64Url.GetMaxDecodedLength(payloadPart.Length));
        try
        {
            if (Base64Url.DecodeFromChars(payloadPart, payload, out _, out var written) != OperationStatus.Done)
            {
                return TokenVerificationResult.Failure("The token's payload is not valid base64url.");
            }

            var claims = JsonSerializer.Deserialize(payload.AsSpan(0, written), LiveKitJsonContext.Default.ClaimGrants);
            if (claims is null)
            {
                return TokenVerificationResult.Failure("The token's payload is not a JSON object.");
            }

            if (!string.Equals(claims.Issuer, _apiKey, StringComparison.Ordinal))
            {
                return TokenVerificationResult.Failure("The token was not issued for this API key.");
            }

            if (claims.ExpiresAt is not { } exp || !TryToTime(exp, out var expiresAt))
            {
                return TokenVerificationResult.Failure("The token has no valid exp claim.");
            }

            var notBefore = DateTimeOffset.UnixEpoch;
            if (claims.NotBefore is { } nbf && !TryToTime(nbf, out notBefore))
            {
                return TokenVerificationResult.Failure("The token has an invalid nbf claim.");
            }

            var now = _timeProvider.GetUtcNow();
            if (now - Leeway >= expiresAt)
            {
                return TokenVerificationResult.Failure("The token has expired.");
            }

            if (now + Leeway < notBefore)
            {
                return TokenVerificationResult.Failure("The token is not valid yet.");
            }

            return TokenVerificationResult.Success(claims, _apiKey, claims.Identity, notBefore, expiresAt);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(payload);
        }
    }

    private static bool TryToTime(double seconds, out DateTimeOffset time)
    {
        const double maxSeconds = 253402300799; // 9999-12-31T23:59:59Z
        if (double.IsFinite(seconds) && seconds >= 0 && seconds <= maxSeconds)
        {
            time = DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Floor(seconds * 1000));
            return true;
        }

        time = default;
        return false;
    }

    private static bool IsBase64UrlText(ReadOnlySpan<char> part)
    {
        if (part.IsEmpty)
        {
            return false;
        }

        foreach (var c in part)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
            {
                return false;
            }
        }

        return true;
    }
}
