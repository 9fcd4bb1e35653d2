using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace TokenFunction.Tests.EndToEnd;

/// <summary>
/// A plain-HTTP OIDC issuer on loopback for the worker process (which cannot be handed a pinned test certificate):
/// discovery document and JWKS with one RSA key; the worker is told RequireHttpsMetadata=false for it.
/// </summary>
public sealed class LoopbackOidcIssuer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly RSA _rsa = RSA.Create(2048);
    private readonly RsaSecurityKey _key;

    private LoopbackOidcIssuer(WebApplication app)
    {
        _app = app;
        _key = new RsaSecurityKey(_rsa) { KeyId = "e2e-key-1" };
    }

    public string Issuer { get; private set; } = string.Empty;

    public static async Task<LoopbackOidcIssuer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var issuer = new LoopbackOidcIssuer(app);
        app.MapGet("/tenant/.well-known/openid-configuration", () => Results.Text(
            JsonSerializer.Serialize(new Dictionary<string, object>
            {
                ["issuer"] = issuer.Issuer,
                ["jwks_uri"] = issuer.Issuer + "/keys",
                ["id_token_signing_alg_values_supported"] = new List<string> { "RS256" },
            }),
            "application/json"));
        app.MapGet("/tenant/keys", () =>
        {
            var parameters = issuer._rsa.ExportParameters(includePrivateParameters: false);
            var jwk = new Dictionary<string, string>
            {
                ["kty"] = "RSA",
                ["use"] = "sig",
                ["alg"] = "RS256",
                ["kid"] = issuer._key.KeyId,
                ["n"] = Base64UrlEncoder.Encode(parameters.Modulus),
                ["e"] = Base64UrlEncoder.Encode(parameters.Exponent),
            };
            return Results.Text(JsonSerializer.Serialize(new { keys = new[] { jwk } }), "application/json");
        });
        await app.StartAsync();
        issuer.Issuer = $"http://127.0.0.1:{new Uri(app.Urls.Single()).Port}/tenant";
        return issuer;
    }

    public string CreateToken(string audience, string subject, string? name = null, string? issuer = null)
    {
        var claims = new Dictionary<string, object> { ["sub"] = subject };
        if (name is not null)
        {
            claims["name"] = name;
        }

        var now = DateTime.UtcNow;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer ?? Issuer,
            Audience = audience,
            NotBefore = now.AddMinutes(-1),
            IssuedAt = now.AddMinutes(-1),
            Expires = now.AddMinutes(30),
            Claims = claims,
            SigningCredentials = new SigningCredentials(_key, SecurityAlgorithms.RsaSha256),
        });
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _rsa.Dispose();
    }
}
