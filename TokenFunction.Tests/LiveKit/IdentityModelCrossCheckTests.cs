using System.Security.Claims;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using TokenFunction.LiveKit;
using TokenFunction.Tests.Support.LiveKit;

namespace TokenFunction.Tests.LiveKit;

/// <summary>Microsoft.IdentityModel as a second, independent JWT implementation (it needs secrets of 32+ bytes).</summary>
public sealed class IdentityModelCrossCheckTests
{
    internal const string Key = "APIcrossCheck";

    public static TheoryData<string> LongSecrets =>
    [
        "0123456789abcdef0123456789abcdef",
        "a-much-longer-secret-of-the-shape-livekit-cloud-hands-out-4f9a2c",
        "ünïcödé-secret-with-multibyte-characters-ÆØÅ-✓✓✓",
    ];

    private static TokenValidationParameters Parameters(string secret) => new()
    {
        ValidIssuer = Key,
        ValidateAudience = false,
        RequireExpirationTime = true,
        ValidateLifetime = true,
        ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
        IssuerSigningKey = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(secret)),
        ClockSkew = TimeSpan.FromSeconds(60),
    };

    [Theory]
    [MemberData(nameof(LongSecrets))]
    public async Task IdentityModel_validates_our_tokens(string secret)
    {
        var token = new AccessToken(Key, secret)
        {
            Identity = "bob",
            Name = "Bøb",
            Attributes = new Dictionary<string, string> { ["k"] = "v" },
            Ttl = TimeSpan.FromMinutes(15),
        }.AddGrant(new VideoGrant { RoomJoin = true, Room = "room", CanPublish = false });

        var result = await new JsonWebTokenHandler().ValidateTokenAsync(token.ToJwt(), Parameters(secret));

        Assert.True(result.IsValid, result.Exception?.Message);
        var jwt = (JsonWebToken)result.SecurityToken;
        Assert.Equal("HS256", jwt.Alg);
        Assert.Equal("JWT", jwt.Typ);
        Assert.Equal("bob", jwt.Subject);
        Assert.Equal("Bøb", jwt.GetPayloadValue<string>("name"));
        Assert.Equal(TimeSpan.FromMinutes(15), jwt.ValidTo - jwt.ValidFrom);
        Assert.Contains("\"canPublish\":false", jwt.GetClaim("video").Value, StringComparison.Ordinal);
    }

    [Fact]
    public async Task IdentityModel_rejects_our_token_under_another_secret()
    {
        var token = new AccessToken(Key, "0123456789abcdef0123456789abcdef") { Identity = "bob" }.ToJwt();

        var result = await new JsonWebTokenHandler().ValidateTokenAsync(token, Parameters("ffffffffffffffffffffffffffffffff"));

        Assert.False(result.IsValid);
    }

    [Theory]
    [MemberData(nameof(LongSecrets))]
    public void Our_verifier_accepts_IdentityModel_tokens(string secret)
    {
        var now = DateTime.UtcNow;
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = Key,
            Subject = new ClaimsIdentity([new Claim("sub", "carol")]),
            NotBefore = now,
            Expires = now.AddMinutes(5),
            Claims = new Dictionary<string, object>
            {
                ["name"] = "Carol",
                ["video"] = new Dictionary<string, object> { ["roomJoin"] = true, ["room"] = "r1" },
            },
            SigningCredentials = new SigningCredentials(
                new SymmetricSecurityKey(Encoding.UTF8.GetBytes(secret)), SecurityAlgorithms.HmacSha256),
        };
        var token = new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(descriptor);

        var result = new TokenVerifier(Key, secret).Verify(token);

        Assert.True(result.IsValid, result.FailureReason);
        Assert.Equal("carol", result.Subject);
        Assert.Equal("Carol", result.Claims!.Name);
        Assert.Equal("r1", result.Claims.Video!.Room);
        Assert.False(new TokenVerifier(Key, secret + "x").Verify(token).IsValid);
    }

    [Fact]
    public void IdentityModel_cannot_sign_with_the_dev_secret_but_we_can()
    {
        // The reason the module signs with HMACSHA256 itself: LiveKit's dev secret is 6 bytes.
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = "devkey",
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey("secret"u8.ToArray()), SecurityAlgorithms.HmacSha256),
        };

        Assert.ThrowsAny<ArgumentOutOfRangeException>(() => new JsonWebTokenHandler().CreateToken(descriptor));
        Assert.True(new TokenVerifier("devkey", "secret").Verify(new AccessToken("devkey", "secret").ToJwt()).IsValid);
    }
}
