using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace TokenFunction.Tests.Support.Auth;

/// <summary>
/// An OIDC issuer on 127.0.0.1: discovery document and JWKS served by Kestrel over HTTPS with a self-signed certificate
/// made for this run. Only the <see cref="HttpClient"/> from <see cref="CreateMetadataClient"/> trusts that certificate,
/// so the authenticator under test keeps its production setting (HTTPS required) and nothing else on the machine is
/// asked to trust anything.
/// </summary>
public sealed class LocalOidcIssuer : IAsyncDisposable
{
    private const string s_tenantPath = "/tenant-1/v2.0";

    // One certificate for every issuer of the run: making an RSA key per test costs more than the test itself.
    private static readonly Lazy<X509Certificate2> s_certificate = new(LoopbackCertificate.Create);

    private readonly WebApplication _app;
    private readonly X509Certificate2 _certificate;
    private volatile IssuerKey[] _published;
    private readonly CancellationTokenSource _stopping = new();
    private int _discoveryRequests;
    private int _keysRequests;
    private readonly TaskCompletionSource _keysRequested = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _requests;
    private volatile IssuerOutage _outage;

    private LocalOidcIssuer(WebApplication app, X509Certificate2 certificate, IssuerKey[] keys)
    {
        _app = app;
        _certificate = certificate;
        _published = keys;
    }

    /// <summary>The <c>iss</c> this issuer signs and its discovery document announces; also the authority.</summary>
    public string Issuer { get; private set; } = string.Empty;

    public int DiscoveryRequests => Volatile.Read(ref _discoveryRequests);

    public int KeysRequests => Volatile.Read(ref _keysRequests);

    /// <summary>Completes at the first request for the published keys: a signal to wait on instead of polling.</summary>
    public Task KeysRequested => _keysRequested.Task;

    /// <summary>Every request that reached the issuer, including those an outage failed or held.</summary>
    public int Requests => Volatile.Read(ref _requests);

    /// <summary>How the issuer answers from now on (discovery and keys alike).</summary>
    public IssuerOutage Outage
    {
        get => _outage;
        set => _outage = value;
    }

    /// <summary>Released once for each request that starts hanging (<see cref="IssuerOutage.Hanging"/>).</summary>
    public SemaphoreSlim HangingRequests { get; } = new(0);

    public static Task<LocalOidcIssuer> StartAsync(params IssuerKey[] keys) => StartAsync(https: true, keys);

    /// <summary>
    /// Plain HTTP, for the end-to-end tests: the worker runs as its own process with the production metadata client,
    /// which trusts no test certificate, so there the worker is configured with <c>Auth__RequireHttpsMetadata=false</c>.
    /// </summary>
    public static Task<LocalOidcIssuer> StartHttpAsync(params IssuerKey[] keys) => StartAsync(https: false, keys);

    private static async Task<LocalOidcIssuer> StartAsync(bool https, IssuerKey[] keys)
    {
        var certificate = s_certificate.Value;
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, listen =>
        {
            if (https)
            {
                listen.UseHttps(certificate);
            }
        }));
        var app = builder.Build();
        var issuer = new LocalOidcIssuer(app, certificate, keys);
        app.Use(async (context, next) =>
        {
            Interlocked.Increment(ref issuer._requests);
            switch (issuer.Outage)
            {
                case IssuerOutage.Failing:
                    context.Response.StatusCode = StatusCodes.Status500InternalServerError;
                    return;
                case IssuerOutage.Hanging:
                    issuer.HangingRequests.Release();
                    using (var held = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, issuer._stopping.Token))
                    {
                        // Ends only when the client gives up or the issuer stops; no timer involved.
                        await Task.Delay(Timeout.InfiniteTimeSpan, held.Token).ContinueWith(static _ => { }, TaskScheduler.Default);
                    }

                    context.Abort();
                    return;
                default:
                    await next(context);
                    return;
            }
        });

        app.MapGet(s_tenantPath + "/.well-known/openid-configuration", () =>
        {
            Interlocked.Increment(ref issuer._discoveryRequests);
            var document = new Dictionary<string, object>
            {
                ["issuer"] = issuer.Issuer,
                ["jwks_uri"] = issuer.Issuer + "/keys",
                ["authorization_endpoint"] = issuer.Issuer + "/authorize",
                ["token_endpoint"] = issuer.Issuer + "/token",
                ["id_token_signing_alg_values_supported"] = new List<string> { "RS256", "ES256" },
            };
            return Results.Text(JsonSerializer.Serialize(document), "application/json");
        });
        app.MapGet(s_tenantPath + "/keys", () =>
        {
            Interlocked.Increment(ref issuer._keysRequests);
            issuer._keysRequested.TrySetResult();
            var jwks = new Dictionary<string, object> { ["keys"] = issuer._published.Select(k => k.PublicJwk).ToArray() };
            return Results.Text(JsonSerializer.Serialize(jwks), "application/json");
        });

        await app.StartAsync();
        var address = new Uri(app.Urls.Single());
        issuer.Issuer = $"{(https ? "https" : "http")}://127.0.0.1:{address.Port}{s_tenantPath}";
        return issuer;
    }

    /// <summary>Replaces the published key set, as an identity provider does when it rolls its signing keys.</summary>
    public void Publish(params IssuerKey[] keys) => _published = keys;

    /// <summary>A client that trusts this issuer's certificate (pinned by its SHA-256 hash) and no other.</summary>
    public HttpClient CreateMetadataClient()
    {
        var pinned = _certificate.GetCertHashString(HashAlgorithmName.SHA256);
        var handler = new SocketsHttpHandler();
        handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, _) =>
            certificate is not null && certificate.GetCertHashString(HashAlgorithmName.SHA256) == pinned;
        return new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(10) };
    }

    /// <summary>A token signed with <paramref name="key"/>; by default valid now for an hour, issued by this issuer.</summary>
    public string CreateToken(
        IssuerKey key,
        string audience,
        IDictionary<string, object>? claims = null,
        DateTime? notBefore = null,
        DateTime? expires = null,
        string? issuer = null,
        string? tokenType = null)
    {
        var now = DateTime.UtcNow;
        var nbf = notBefore ?? now.AddMinutes(-1);
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = issuer ?? Issuer,
            Audience = audience,
            IssuedAt = nbf,
            NotBefore = nbf,
            Expires = expires ?? nbf.AddHours(1),
            Claims = claims ?? new Dictionary<string, object> { ["sub"] = "user-1" },
            SigningCredentials = key.SigningCredentials,
            TokenType = tokenType,
        };
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(descriptor);
    }

    /// <summary>
    /// The claims of a token this issuer would sign for <paramref name="subject"/>, valid for an hour: the payload
    /// forged tokens reuse, so that only the forgery itself can make them fail.
    /// </summary>
    public Dictionary<string, object> ValidClaims(string audience, string subject)
    {
        var now = DateTimeOffset.UtcNow;
        return new Dictionary<string, object>
        {
            ["iss"] = Issuer,
            ["aud"] = audience,
            ["sub"] = subject,
            ["nbf"] = now.AddMinutes(-1).ToUnixTimeSeconds(),
            ["exp"] = now.AddHours(1).ToUnixTimeSeconds(),
        };
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

}

/// <summary>What <see cref="LocalOidcIssuer.Outage"/> makes the issuer do with each request.</summary>
public enum IssuerOutage
{
    /// <summary>Serve discovery and keys.</summary>
    None,

    /// <summary>Answer 500 at once (not 503, which IdentityModel retries once by itself).</summary>
    Failing,

    /// <summary>Accept the request and never answer (until the client gives up or the issuer stops).</summary>
    Hanging,
}

/// <summary>A signing key of the test issuer: the private half signs, the public half is published in the JWKS.</summary>
public sealed class IssuerKey
{
    private IssuerKey(string kid, SecurityKey privateKey, string algorithm, Dictionary<string, string> publicJwk, string publicKeyPem)
    {
        Kid = kid;
        SigningCredentials = new SigningCredentials(privateKey, algorithm);
        PublicJwk = publicJwk;
        PublicKeyPem = publicKeyPem;
    }

    public string Kid { get; }

    public SigningCredentials SigningCredentials { get; }

    public Dictionary<string, string> PublicJwk { get; }

    /// <summary>The public key as PEM: what an attacker feeds to HS256 in the algorithm-confusion attack.</summary>
    public string PublicKeyPem { get; }

    public static IssuerKey Rsa(string kid, string algorithm = SecurityAlgorithms.RsaSha256)
    {
        var rsa = RSA.Create(2048);
        var p = rsa.ExportParameters(false);
        var jwk = new Dictionary<string, string>
        {
            ["kty"] = "RSA",
            ["use"] = "sig",
            ["kid"] = kid,
            ["alg"] = algorithm,
            ["n"] = Base64UrlEncoder.Encode(p.Modulus),
            ["e"] = Base64UrlEncoder.Encode(p.Exponent),
        };
        return new IssuerKey(kid, new RsaSecurityKey(rsa) { KeyId = kid }, algorithm, jwk, rsa.ExportSubjectPublicKeyInfoPem());
    }

    public static IssuerKey Ecdsa(string kid)
    {
        var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var p = ecdsa.ExportParameters(false);
        var jwk = new Dictionary<string, string>
        {
            ["kty"] = "EC",
            ["use"] = "sig",
            ["kid"] = kid,
            ["alg"] = SecurityAlgorithms.EcdsaSha256,
            ["crv"] = "P-256",
            ["x"] = Base64UrlEncoder.Encode(p.Q.X),
            ["y"] = Base64UrlEncoder.Encode(p.Q.Y),
        };
        return new IssuerKey(kid, new ECDsaSecurityKey(ecdsa) { KeyId = kid }, SecurityAlgorithms.EcdsaSha256, jwk, ecdsa.ExportSubjectPublicKeyInfoPem());
    }
}

/// <summary>Hand-built JWTs for the attacks a library would refuse to produce.</summary>
internal static class ForgedTokens
{
    public static string Encode(object header, object payload, Func<byte[], string> sign)
    {
        var signingInput = Part(header) + "." + Part(payload);
        return signingInput + "." + sign(Encoding.ASCII.GetBytes(signingInput));
    }

    /// <summary><c>alg: none</c> with an empty signature.</summary>
    public static string Unsigned(object payload) =>
        Encode(new Dictionary<string, string> { ["alg"] = "none", ["typ"] = "JWT" }, payload, _ => string.Empty);

    /// <summary>HS256 with the issuer's public key as the HMAC secret, under the real key's <c>kid</c>.</summary>
    public static string Hs256WithPublicKey(IssuerKey key, object payload) =>
        Encode(
            new Dictionary<string, string> { ["alg"] = "HS256", ["typ"] = "JWT", ["kid"] = key.Kid },
            payload,
            input => Base64UrlEncoder.Encode(HMACSHA256.HashData(Encoding.UTF8.GetBytes(key.PublicKeyPem), input)));

    /// <summary>The same token with one signature byte changed.</summary>
    public static string WithTamperedSignature(string token)
    {
        var parts = token.Split('.');
        var signature = Base64UrlEncoder.DecodeBytes(parts[2]);
        signature[signature.Length / 2] ^= 0x01;
        return $"{parts[0]}.{parts[1]}.{Base64UrlEncoder.Encode(signature)}";
    }

    /// <summary>The same header and signature over a payload with one claim changed.</summary>
    public static string WithPayloadClaim(string token, string claim, string value)
    {
        var parts = token.Split('.');
        var payload = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(Base64UrlEncoder.Decode(parts[1]))!;
        payload[claim] = JsonSerializer.SerializeToElement(value);
        return $"{parts[0]}.{Part(payload)}.{parts[2]}";
    }

    private static string Part(object value) => Base64UrlEncoder.Encode(JsonSerializer.SerializeToUtf8Bytes(value));
}
