using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using TokenFunction.Auth;
using TokenFunction.Tests.Support.Auth;

namespace TokenFunction.Tests.Auth;

public sealed class BearerCallerAuthenticatorTests
{
    private const string s_audience = "api://token-service";

    private static readonly IssuerKey s_rsa = IssuerKey.Rsa("rsa-1");
    private static readonly IssuerKey s_ec = IssuerKey.Ecdsa("ec-1");

    [Fact]
    public async Task Rs256_token_from_the_issuer_is_accepted_and_binds_sub_and_name()
    {
        await using var issuer = await LocalOidcIssuer.StartAsync(s_rsa, s_ec);
        using var harness = new Harness(issuer);
        var token = issuer.CreateToken(s_rsa, s_audience, Claims(("sub", "alice-123"), ("name", "Alice"), ("identity", "mallory")));

        var result = await harness.Authenticator.AuthenticateAsync("Bearer " + token, default);

        Assert.True(result.Succeeded, result.FailureDetail);
        Assert.Equal("alice-123", result.Caller!.Identity);
        Assert.Equal("Alice", result.Caller.Name);
        Assert.True(result.Caller.MayJoin("any-room"));
        Assert.True(harness.Authenticator.IsEnabled);
    }

    [Fact]
    public async Task Es256_token_from_the_issuer_is_accepted()
    {
        await using var issuer = await LocalOidcIssuer.StartAsync(s_rsa, s_ec);
        using var harness = new Harness(issuer);

        var result = await harness.Authenticator.AuthenticateAsync("bearer " + issuer.CreateToken(s_ec, s_audience, Claims(("sub", "bob"))), default);

        Assert.True(result.Succeeded, result.FailureDetail);
        Assert.Equal("bob", result.Caller!.Identity);
        Assert.Null(result.Caller.Name);
    }

    [Fact]
    public async Task Identity_and_name_come_from_the_configured_claims()
    {
        await using var issuer = await LocalOidcIssuer.StartAsync(s_rsa);
        using var harness = new Harness(issuer, o =>
        {
            o.IdentityClaim = "oid";
            o.NameClaim = "preferred_username";
        });
        var token = issuer.CreateToken(s_rsa, s_audience, Claims(("sub", "pairwise-sub"), ("oid", "00000000-0000-0000-0000-0000000000aa"), ("name", "Display"), ("preferred_username", "carol@example.test")));

        var result = await harness.Authenticator.AuthenticateAsync("Bearer " + token, default);

        Assert.True(result.Succeeded, result.FailureDetail);
        Assert.Equal("00000000-0000-0000-0000-0000000000aa", result.Caller!.Identity);
        Assert.Equal("carol@example.test", result.Caller.Name);
    }

    [Fact]
    public async Task Any_of_several_configured_audiences_is_accepted()
    {
        await using var issuer = await LocalOidcIssuer.StartAsync(s_rsa);
        using var harness = new Harness(issuer, o => o.Audience = "api://token-service, 11111111-2222-3333-4444-555555555555");

        var result = await harness.Authenticator.AuthenticateAsync("Bearer " + issuer.CreateToken(s_rsa, "11111111-2222-3333-4444-555555555555"), default);

        Assert.True(result.Succeeded, result.FailureDetail);
    }

    [Fact]
    public async Task Wrong_issuer_is_refused()
    {
        await using var issuer = await LocalOidcIssuer.StartAsync(s_rsa);
        using var harness = new Harness(issuer);
        var token = issuer.CreateToken(s_rsa, s_audience, issuer: "https://other.example.test/v2.0");

        await harness.AssertRefusedAsync(token, "issuer");
    }

    [Fact]
    public async Task Wrong_audience_is_refused()
    {
        await using var issuer = await LocalOidcIssuer.StartAsync(s_rsa);
        using var harness = new Harness(issuer);

        await harness.AssertRefusedAsync(issuer.CreateToken(s_rsa, "api://some-other-api"), "audience");
    }

    [Fact]
    public async Task Expired_token_is_refused()
    {
        await using var issuer = await LocalOidcIssuer.StartAsync(s_rsa);
        using var harness = new Harness(issuer);
        var now = DateTime.UtcNow;

        await harness.AssertRefusedAsync(issuer.CreateToken(s_rsa, s_audience, notBefore: now.AddHours(-2), expires: now.AddMinutes(-10)), "expired");
    }

    [Fact]
    public async Task Clock_skew_is_the_configured_tolerance()
    {
        await using var issuer = await LocalOidcIssuer.StartAsync(s_rsa);
        var now = DateTime.UtcNow;
        var justExpired = issuer.CreateToken(s_rsa, s_audience, notBefore: now.AddHours(-1), expires: now.AddSeconds(-20));

        using (var lenient = new Harness(issuer))
        {
            Assert.True((await lenient.Authenticator.AuthenticateAsync("Bearer " + justExpired, default)).Succeeded);
        }

        using var strict = new Harness(issuer, o => o.ClockSkew = TimeSpan.Zero);
        await strict.AssertRefusedAsync(justExpired, "expired");
    }

    [Fact]
    public async Task Not_yet_valid_token_is_refused()
    {
        await using var issuer = await LocalOidcIssuer.StartAsync(s_rsa);
        using var harness = new Harness(issuer);
        var now = DateTime.UtcNow;

        await harness.AssertRefusedAsync(issuer.CreateToken(s_rsa, s_audience, notBefore: now.AddMinutes(10), expires: now.AddHours(1)), "not valid yet");
    }

    [Fact]
    public async Task Alg_none_is_refused()
    {
        await using var issuer = await LocalOidcIssuer.StartAsync(s_rsa);
        using var harness = new Harness(issuer);

        await harness.AssertRefusedAsync(ForgedTokens.Unsigned(issuer.ValidClaims(s_audience, "mallory")), null);
    }

    [Fact]
    public async Task Hs256_signed_with_the_issuers_public_key_is_refused()
    {
        await using var issuer = await LocalOidcIssuer.StartAsync(s_rsa);
        using var harness = new Harness(issuer);

        await harness.AssertRefusedAsync(ForgedTokens.Hs256WithPublicKey(s_rsa, issuer.ValidClaims(s_audience, "mallory")), null);
    }

    [Fact]
    public async Task An_algorithm_outside_the_allowed_list_is_refused()
    {
        await using var issuer = await LocalOidcIssuer.StartAsync(s_rsa, s_ec);
        using var harness = new Harness(issuer, o => o.ValidAlgorithms = "ES256");

        Assert.True((await harness.Authenticator.AuthenticateAsync("Bearer " + issuer.CreateToken(s_ec, s_audience), default)).Succeeded);
        // IdentityModel reports a disallowed algorithm as a signature failure.
        await harness.AssertRefusedAsync(issuer.CreateToken(s_rsa, s_audience), "signature");
    }

    [Fact]
    public async Task Tampered_signature_or_payload_is_refused()
    {
        await using var issuer = await LocalOidcIssuer.StartAsync(s_rsa);
        using var harness = new Harness(issuer);
        var genuine = issuer.CreateToken(s_rsa, s_audience, Claims(("sub", "alice")));
        Assert.True((await harness.Authenticator.AuthenticateAsync("Bearer " + genuine, default)).Succeeded);

        await harness.AssertRefusedAsync(ForgedTokens.WithTamperedSignature(genuine), "signature");
        await harness.AssertRefusedAsync(ForgedTokens.WithPayloadClaim(genuine, "sub", "mallory"), "signature");
    }

    [Fact]
    public async Task Unknown_kid_is_refused_after_one_rate_limited_refresh()
    {
        await using var issuer = await LocalOidcIssuer.StartAsync(s_rsa);
        using var harness = new Harness(issuer);
        var stranger = IssuerKey.Rsa("not-published");
        Assert.True((await harness.Authenticator.AuthenticateAsync("Bearer " + issuer.CreateToken(s_rsa, s_audience), default)).Succeeded);
        Assert.Equal(1, issuer.KeysRequests);

        await harness.AssertRefusedAsync(issuer.CreateToken(stranger, s_audience), "key");
        Assert.Equal(2, issuer.KeysRequests);

        // Within the refresh interval, more made-up kids must not reach the identity provider again.
        for (var i = 0; i < 5; i++)
        {
            await harness.AssertRefusedAsync(issuer.CreateToken(IssuerKey.Ecdsa($"made-up-{i}"), s_audience), "key");
        }

        Assert.Equal(2, issuer.KeysRequests);
    }

    [Fact]
    public async Task Key_rollover_at_the_issuer_is_picked_up_without_restart()
    {
        var next = IssuerKey.Ecdsa("ec-next");
        await using var issuer = await LocalOidcIssuer.StartAsync(s_rsa);
        using var harness = new Harness(issuer);
        var beforeRollover = issuer.CreateToken(s_rsa, s_audience, Claims(("sub", "alice")));
        Assert.True((await harness.Authenticator.AuthenticateAsync("Bearer " + beforeRollover, default)).Succeeded);

        issuer.Publish(next);
        var afterRollover = issuer.CreateToken(next, s_audience, Claims(("sub", "alice")));

        // The first token under the new key already validates: the unknown kid triggers a refresh before the retry.
        var result = await harness.Authenticator.AuthenticateAsync("Bearer " + afterRollover, default);
        Assert.True(result.Succeeded, result.FailureDetail);
        Assert.Equal("alice", result.Caller!.Identity);
        Assert.Equal(2, issuer.KeysRequests);

        // The retired key is no longer trusted once the new key set is in use.
        await harness.AssertRefusedAsync(beforeRollover, "key");
    }

    [Fact]
    public async Task Discovery_and_keys_are_cached_across_requests()
    {
        await using var issuer = await LocalOidcIssuer.StartAsync(s_rsa);
        using var harness = new Harness(issuer);

        for (var i = 0; i < 25; i++)
        {
            var result = await harness.Authenticator.AuthenticateAsync("Bearer " + issuer.CreateToken(s_rsa, s_audience, Claims(("sub", $"user-{i}"))), default);
            Assert.Equal($"user-{i}", result.Caller!.Identity);
        }

        Assert.Equal(1, issuer.DiscoveryRequests);
        Assert.Equal(1, issuer.KeysRequests);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("Basic dXNlcjpwYXNz")]
    [InlineData("Bearer")]
    [InlineData("Bearer   ")]
    [InlineData("Bearerabc.def.ghi")]
    public async Task Missing_bearer_token_gets_the_bare_bearer_challenge(string? header)
    {
        await using var issuer = await LocalOidcIssuer.StartAsync(s_rsa);
        using var harness = new Harness(issuer);

        var result = await harness.Authenticator.AuthenticateAsync(header, default);

        Assert.False(result.Succeeded);
        Assert.Null(result.Caller);
        Assert.Equal("Bearer", result.WwwAuthenticate);
        Assert.Contains("Bearer", result.FailureDetail, StringComparison.Ordinal);
        Assert.Equal(0, issuer.DiscoveryRequests);
    }

    [Fact]
    public async Task Garbage_token_is_refused_as_malformed()
    {
        await using var issuer = await LocalOidcIssuer.StartAsync(s_rsa);
        using var harness = new Harness(issuer);

        await harness.AssertRefusedAsync("not-a-jwt", "well-formed");
        await harness.AssertRefusedAsync("a.b.c", null);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("line\nbreak")]
    [InlineData("bell\u0007")]
    public async Task Token_without_a_usable_identity_claim_is_refused(string? sub)
    {
        await using var issuer = await LocalOidcIssuer.StartAsync(s_rsa);
        using var harness = new Harness(issuer);
        var claims = sub is null ? Claims(("name", "No Sub")) : Claims(("sub", sub));

        await harness.AssertRefusedAsync(issuer.CreateToken(s_rsa, s_audience, claims), "'sub'");
    }

    [Fact]
    public async Task Identity_longer_than_livekit_allows_is_refused()
    {
        await using var issuer = await LocalOidcIssuer.StartAsync(s_rsa);
        using var harness = new Harness(issuer);

        var longest = await harness.CallerAsync(issuer.CreateToken(s_rsa, s_audience, Claims(("sub", new string('a', 256)))));
        Assert.Equal(256, longest.Identity.Length);
        await harness.AssertRefusedAsync(issuer.CreateToken(s_rsa, s_audience, Claims(("sub", new string('a', 257)))), "'sub'");
    }

    [Fact]
    public async Task Room_claim_values_map_to_the_rooms_the_caller_may_join()
    {
        await using var issuer = await LocalOidcIssuer.StartAsync(s_rsa);
        using var harness = new Harness(issuer, o =>
        {
            o.RoomClaim = "roles";
            o.RoomRules.Add(new RoomRule { Value = "Rooms.Support", Pattern = "support-[a-z0-9]+" });
            o.RoomRules.Add(new RoomRule { Value = "Rooms.Sales", Pattern = "sales-.*" });
            o.RoomRules.Add(new RoomRule { Value = "*", Pattern = "lobby" });
        });

        var support = await harness.CallerAsync(issuer.CreateToken(s_rsa, s_audience, new Dictionary<string, object> { ["sub"] = "s", ["roles"] = new List<string> { "Rooms.Support", "Other" } }));
        Assert.True(support.MayJoin("support-42"));
        Assert.True(support.MayJoin("lobby"));
        Assert.False(support.MayJoin("sales-1"));
        Assert.False(support.MayJoin("support-"));
        Assert.False(support.MayJoin("xsupport-42"));
        Assert.False(support.MayJoin("support-42\n"));
        Assert.False(support.MayJoin("lobby-2"));

        var both = await harness.CallerAsync(issuer.CreateToken(s_rsa, s_audience, new Dictionary<string, object> { ["sub"] = "b", ["roles"] = new List<string> { "Rooms.Sales", "Rooms.Support" } }));
        Assert.True(both.MayJoin("sales-east"));
        Assert.True(both.MayJoin("support-1"));

        var single = await harness.CallerAsync(issuer.CreateToken(s_rsa, s_audience, Claims(("sub", "one"), ("roles", "Rooms.Sales"))));
        Assert.True(single.MayJoin("sales-1"));
        Assert.False(single.MayJoin("support-1"));

        var none = await harness.CallerAsync(issuer.CreateToken(s_rsa, s_audience, Claims(("sub", "n"))));
        Assert.True(none.MayJoin("lobby"));
        Assert.False(none.MayJoin("support-1"));

        // "*" in a caller's own claim grants nothing extra: it only names the rule for everyone.
        var starry = await harness.CallerAsync(issuer.CreateToken(s_rsa, s_audience, Claims(("sub", "x"), ("roles", "*"))));
        Assert.False(starry.MayJoin("sales-1"));
    }

    [Fact]
    public async Task Unreachable_or_untrusted_metadata_is_unavailable_not_unauthorized()
    {
        await using var issuer = await LocalOidcIssuer.StartAsync(s_rsa);
        var logger = new FakeLogger<BearerCallerAuthenticator>();

        // The production client: it does not trust the test issuer's self-signed certificate.
        using var authenticator = new BearerCallerAuthenticator(Options.Create(Harness.OptionsFor(issuer)), logger);
        var token = issuer.CreateToken(s_rsa, s_audience);

        await Assert.ThrowsAsync<CallerAuthenticationUnavailableException>(async () => await authenticator.AuthenticateAsync("Bearer " + token, default));
        Assert.Equal(0, issuer.DiscoveryRequests);
        Assert.DoesNotContain(logger.Collector.GetSnapshot(), r => r.Message.Contains(token.Split('.')[2], StringComparison.Ordinal));
    }

    [Fact]
    public async Task Plain_http_metadata_is_refused_when_https_is_required()
    {
        await using var issuer = await LocalOidcIssuer.StartAsync(s_rsa);
        var options = Harness.OptionsFor(issuer);
        options.MetadataAddress = "http://127.0.0.1:9/.well-known/openid-configuration";
        using var client = issuer.CreateMetadataClient();
        using var authenticator = new BearerCallerAuthenticator(Options.Create(options), new FakeLogger<BearerCallerAuthenticator>(), client);

        await Assert.ThrowsAsync<CallerAuthenticationUnavailableException>(async () => await authenticator.AuthenticateAsync("Bearer " + issuer.CreateToken(s_rsa, s_audience), default));
    }

    [Fact]
    public void Challenge_strips_characters_rfc_6750_does_not_allow()
    {
        Assert.Equal("Bearer error=\"invalid_token\", error_description=\"bad token\"", BearerChallenge.InvalidToken("bad \"to\\ken\"\r\n"));
    }

    private static Dictionary<string, object> Claims(params (string Name, string Value)[] claims) =>
        claims.ToDictionary(c => c.Name, c => (object)c.Value);


    /// <summary>An authenticator wired to a test issuer, with a logger the tests read back.</summary>
    internal sealed class Harness : IDisposable
    {
        private readonly HttpClient _client;

        public Harness(LocalOidcIssuer issuer, Action<CallerAuthenticationOptions>? configure = null)
        {
            var options = OptionsFor(issuer);
            configure?.Invoke(options);
            var validation = new CallerAuthenticationOptionsValidator().Validate(null, options);
            Assert.True(validation.Succeeded, validation.FailureMessage);
            _client = issuer.CreateMetadataClient();
            Logger = new FakeLogger<BearerCallerAuthenticator>();
            Authenticator = new BearerCallerAuthenticator(Options.Create(options), Logger, _client);
        }

        public BearerCallerAuthenticator Authenticator { get; }

        public FakeLogger<BearerCallerAuthenticator> Logger { get; }

        public static CallerAuthenticationOptions OptionsFor(LocalOidcIssuer issuer) => new()
        {
            Mode = CallerAuthenticationMode.Bearer,
            Authority = issuer.Issuer,
            Audience = s_audience,
        };

        public async Task<AuthenticatedCaller> CallerAsync(string token)
        {
            var result = await Authenticator.AuthenticateAsync("Bearer " + token, default);
            Assert.True(result.Succeeded, result.FailureDetail);
            return result.Caller!;
        }

        /// <summary>Refused with an RFC 6750 invalid_token challenge, and no trace of the token in the answer or the log.</summary>
        public async Task AssertRefusedAsync(string token, string? detailContains)
        {
            var result = await Authenticator.AuthenticateAsync("Bearer " + token, default);

            Assert.False(result.Succeeded);
            Assert.Null(result.Caller);
            Assert.NotNull(result.FailureDetail);
            Assert.StartsWith("Bearer error=\"invalid_token\", error_description=\"", result.WwwAuthenticate, StringComparison.Ordinal);
            if (detailContains is not null)
            {
                Assert.Contains(detailContains, result.FailureDetail, StringComparison.Ordinal);
            }

            foreach (var part in token.Split('.').Where(p => p.Length >= 8))
            {
                Assert.DoesNotContain(part, result.FailureDetail, StringComparison.Ordinal);
                Assert.DoesNotContain(part, result.WwwAuthenticate, StringComparison.Ordinal);
                Assert.DoesNotContain(Logger.Collector.GetSnapshot(), r => r.Message.Contains(part, StringComparison.Ordinal)
                    || (r.Exception?.ToString().Contains(part, StringComparison.Ordinal) ?? false));
            }

            Assert.Contains(Logger.Collector.GetSnapshot(), r => r.Id.Id == 7001);
        }

        public void Dispose()
        {
            Authenticator.Dispose();
            _client.Dispose();
        }
    }
}
