using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using TokenFunction.Auth;
using TokenFunction.Tests.Support.Auth;

namespace TokenFunction.Tests.Auth;

public sealed class CallerAuthenticationOptionsTests
{
    // Loopback port 9 (discard): the start-up warm-up may try it, and nothing outside this machine is ever asked.
    private static readonly Dictionary<string, string?> s_validBearer = new()
    {
        ["Auth:Mode"] = "Bearer",
        ["Auth:Authority"] = "https://127.0.0.1:9/00000000-0000-0000-0000-000000000001/v2.0",
        ["Auth:Audience"] = "api://11111111-2222-3333-4444-555555555555,11111111-2222-3333-4444-555555555555",
        ["Auth:IdentityClaim"] = "oid",
    };

    [Theory]
    [InlineData("Anonymous")] // the value deployed settings carry, kept
    [InlineData("anonymous")]
    [InlineData("FunctionKeyOnly")]
    public async Task Anonymous_is_still_the_function_key_only_mode(string value)
    {
        using var host = Build(new() { ["Auth:Mode"] = value });
        await host.StartAsync();

        Assert.IsType<FunctionKeyOnlyAuthenticator>(host.Services.GetRequiredService<ICallerAuthenticator>());
        Assert.Equal(CallerAuthenticationMode.FunctionKeyOnly, host.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<CallerAuthenticationOptions>>().Value.Mode);
        await host.StopAsync();
    }

    [Fact]
    public async Task No_auth_section_means_anonymous_mode()
    {
        using var host = Build([]);
        await host.StartAsync();

        var authenticator = host.Services.GetRequiredService<ICallerAuthenticator>();
        Assert.IsType<FunctionKeyOnlyAuthenticator>(authenticator);
        Assert.False(authenticator.IsEnabled);
        await host.StopAsync();
    }

    [Fact]
    public async Task Bearer_mode_binds_every_setting_and_registers_the_bearer_authenticator()
    {
        using var host = Build(With(new()
        {
            ["Auth:NameClaim"] = "preferred_username",
            ["Auth:RoomClaim"] = "groups",
            ["Auth:RoomRules:0:Value"] = "6f1c2a8e-0000-0000-0000-000000000001",
            ["Auth:RoomRules:0:Pattern"] = "team-a-.*",
            ["Auth:ClockSkew"] = "00:00:30",
            ["Auth:ValidAlgorithms"] = "RS256",
        }));
        await host.StartAsync();

        var authenticator = host.Services.GetRequiredService<ICallerAuthenticator>();
        Assert.IsType<BearerCallerAuthenticator>(authenticator);
        Assert.True(authenticator.IsEnabled);
        var options = host.Services.GetRequiredService<IOptions<CallerAuthenticationOptions>>().Value;
        Assert.Equal("oid", options.IdentityClaim);
        Assert.Equal("preferred_username", options.NameClaim);
        Assert.Equal(["api://11111111-2222-3333-4444-555555555555", "11111111-2222-3333-4444-555555555555"], options.GetAudiences());
        Assert.Equal("https://127.0.0.1:9/00000000-0000-0000-0000-000000000001/v2.0/.well-known/openid-configuration", options.GetMetadataAddress());
        Assert.Equal(TimeSpan.FromSeconds(30), options.ClockSkew);
        Assert.Equal(["RS256"], options.GetValidAlgorithms());
        Assert.Equal("team-a-.*", Assert.Single(options.RoomRules).Pattern);
        Assert.True(options.RequireHttpsMetadata);
        await host.StopAsync();
    }

    [Fact]
    public async Task In_bearer_mode_the_issuers_keys_are_fetched_at_start_up_before_any_request()
    {
        await using var issuer = await LocalOidcIssuer.StartHttpAsync(IssuerKey.Ecdsa("ec-1"));
        using var host = Build(With(new()
        {
            ["Auth:Authority"] = issuer.Issuer,
            ["Auth:RequireHttpsMetadata"] = "false",
        }));

        await host.StartAsync();
        // Signalled by the issuer itself; the timeout only turns a hang into a failure.
        await issuer.KeysRequested.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(1, issuer.DiscoveryRequests);
        Assert.Equal(1, issuer.KeysRequests);
        await host.StopAsync();
    }

    [Fact]
    public async Task An_unreachable_identity_provider_does_not_stop_start_up()
    {
        using var host = Build(With(new() { ["Auth:Authority"] = "https://127.0.0.1:9/unreachable/v2.0" }));

        await host.StartAsync();
        Assert.IsType<BearerCallerAuthenticator>(host.Services.GetRequiredService<ICallerAuthenticator>());
        await host.StopAsync();
    }

    [Theory]
    [InlineData("https://login.microsoftonline.com/t/v2.0", null, "https://login.microsoftonline.com/t/v2.0/.well-known/openid-configuration")]
    [InlineData("https://tenant.auth0.com/", null, "https://tenant.auth0.com/.well-known/openid-configuration")]
    [InlineData("https://issuer.example", "https://meta.example/oidc.json", "https://meta.example/oidc.json")]
    public void The_discovery_address_is_below_the_authority_unless_overridden(string authority, string? metadata, string expected)
    {
        var options = new CallerAuthenticationOptions { Authority = authority, MetadataAddress = metadata };
        Assert.Equal(expected, options.GetMetadataAddress());
    }

    [Fact]
    public void Defaults_are_the_safe_ones()
    {
        var options = new CallerAuthenticationOptions();

        Assert.Equal(CallerAuthenticationMode.Anonymous, options.Mode);
        Assert.Equal("sub", options.IdentityClaim);
        Assert.Equal("name", options.NameClaim);
        Assert.Equal(TimeSpan.FromSeconds(60), options.ClockSkew);
        Assert.True(options.RequireHttpsMetadata);
        Assert.DoesNotContain(options.GetValidAlgorithms(), a => a.StartsWith("HS", StringComparison.Ordinal) || a == "none");
    }

    [Theory]
    [InlineData("Auth:Authority", null, "Auth:Authority (Auth__Authority)")]
    [InlineData("Auth:Authority", "not a url", "Auth:Authority (Auth__Authority) must be an absolute")]
    [InlineData("Auth:Authority", "http://login.example.test/v2.0", "Auth:Authority (Auth__Authority) must use https")]
    [InlineData("Auth:Audience", null, "Auth:Audience (Auth__Audience) is required")]
    [InlineData("Auth:Audience", " , ", "Auth:Audience (Auth__Audience) is required")]
    [InlineData("Auth:IdentityClaim", " ", "Auth:IdentityClaim (Auth__IdentityClaim)")]
    [InlineData("Auth:ClockSkew", "00:10:00", "Auth:ClockSkew (Auth__ClockSkew)")]
    [InlineData("Auth:ClockSkew", "-00:00:01", "Auth:ClockSkew (Auth__ClockSkew)")]
    [InlineData("Auth:ValidAlgorithms", "RS256,HS256", "Auth:ValidAlgorithms (Auth__ValidAlgorithms) holds 'HS256'")]
    [InlineData("Auth:ValidAlgorithms", "none", "Auth:ValidAlgorithms (Auth__ValidAlgorithms) holds 'none'")]
    [InlineData("Auth:MetadataRefreshInterval", "00:00:00", "Auth:MetadataRefreshInterval (Auth__MetadataRefreshInterval)")]
    [InlineData("Auth:RoomClaim", "roles", "Auth:RoomRules (Auth__RoomRules) is empty")]
    [InlineData("Auth:RoomRules:0:Pattern", "team-.*", "Auth:RoomRules:0:Value (Auth__RoomRules__0__Value)")]
    public async Task A_bad_bearer_setting_stops_start_up_naming_the_setting(string key, string? value, string expected)
    {
        using var host = Build(With(new() { [key] = value }));

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_room_pattern_that_is_not_a_regex_stops_start_up()
    {
        using var host = Build(With(new()
        {
            ["Auth:RoomClaim"] = "roles",
            ["Auth:RoomRules:0:Value"] = "Rooms.A",
            ["Auth:RoomRules:0:Pattern"] = "team-(",
            ["Auth:RoomRules:1:Value"] = "Rooms.B",
            ["Auth:RoomRules:1:Pattern"] = "(a)\\1",
        }));

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("Auth:RoomRules:0:Pattern (Auth__RoomRules__0__Pattern) is not a valid regular expression", error.Message, StringComparison.Ordinal);
        Assert.Contains("Auth:RoomRules:1:Pattern (Auth__RoomRules__1__Pattern)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_mode_stops_start_up_naming_the_setting()
    {
        using var host = Build(new() { ["Auth:Mode"] = "Bearr" });

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => host.StartAsync());

        Assert.Contains("Auth:Mode", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Plain_http_authority_is_allowed_only_when_https_is_explicitly_not_required()
    {
        using var host = Build(With(new()
        {
            ["Auth:Authority"] = "http://127.0.0.1:9/realms/dev",
            ["Auth:RequireHttpsMetadata"] = "false",
        }));

        await host.StartAsync();
        Assert.IsType<BearerCallerAuthenticator>(host.Services.GetRequiredService<ICallerAuthenticator>());
        await host.StopAsync();
    }

    [Fact]
    public async Task Anonymous_mode_starts_with_bearer_settings_left_empty()
    {
        // Empty values ask for nothing (an app settings template may write them blank); only set ones count.
        using var host = Build(new() { ["Auth:Mode"] = "anonymous", ["Auth:Authority"] = "", ["Auth:Audience"] = " " });

        await host.StartAsync();
        Assert.IsType<FunctionKeyOnlyAuthenticator>(host.Services.GetRequiredService<ICallerAuthenticator>());
        await host.StopAsync();
    }

    [Theory]
    [InlineData("Anonymous")]
    [InlineData(null)]
    public async Task Bearer_settings_without_bearer_mode_stop_start_up_naming_them(string? mode)
    {
        // The typo or the forgotten Auth__Mode would otherwise start the app anonymous: anyone with the key picks any identity.
        using var host = Build(new()
        {
            ["Auth:Mode"] = mode,
            ["Auth:Authority"] = "https://login.example.test/t/v2.0",
            ["Auth:Audience"] = "api://x",
            ["Auth:RoomRules:0:Value"] = "Rooms.A",
            ["Auth:RoomRules:0:Pattern"] = "a-.*",
        });

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("Auth:Mode (Auth__Mode)", error.Message, StringComparison.Ordinal);
        Assert.Contains("Auth:Authority (Auth__Authority)", error.Message, StringComparison.Ordinal);
        Assert.Contains("Auth:Audience (Auth__Audience)", error.Message, StringComparison.Ordinal);
        Assert.Contains("Auth:RoomRules (Auth__RoomRules)", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Auth:Mdoe", "Bearer", "Mdoe")]
    [InlineData("Auth:Audiance", "api://x", "Audiance")]
    [InlineData("Auth:RoomRules:0:Patern", "a-.*", "Patern")]
    public async Task A_misspelt_auth_setting_stops_start_up_naming_it(string key, string value, string named)
    {
        using var host = Build(With(new() { [key] = value }));

        var error = await Assert.ThrowsAnyAsync<InvalidOperationException>(() => host.StartAsync());

        // Inside a rule the binder names the key in the inner exception, which the host's start-up log shows too.
        Assert.Contains(named, error.Message + error.InnerException?.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Environment_variable_spelling_binds_the_same_settings()
    {
        var prefix = $"TOKENFN_TEST_{Guid.NewGuid():N}_";
        var variables = new Dictionary<string, string>
        {
            ["Auth__Mode"] = "Bearer",
            ["Auth__Authority"] = "https://127.0.0.1:9/issuer",
            ["Auth__Audience"] = "api://x",
            ["Auth__RoomClaim"] = "roles",
            ["Auth__RoomRules__0__Value"] = "Rooms.Support",
            ["Auth__RoomRules__0__Pattern"] = "support-.*",
        };
        foreach (var (name, value) in variables)
        {
            Environment.SetEnvironmentVariable(prefix + name, value);
        }

        try
        {
            var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
            builder.Configuration.AddEnvironmentVariables(prefix);
            builder.Services.AddCallerAuthentication(builder.Configuration);
            using var host = builder.Build();
            await host.StartAsync();

            var options = host.Services.GetRequiredService<IOptions<CallerAuthenticationOptions>>().Value;
            Assert.Equal(CallerAuthenticationMode.Bearer, options.Mode);
            Assert.Equal("support-.*", Assert.Single(options.RoomRules).Pattern);
            Assert.Equal("Rooms.Support", options.RoomRules[0].Value);
            await host.StopAsync();
        }
        finally
        {
            foreach (var name in variables.Keys)
            {
                Environment.SetEnvironmentVariable(prefix + name, null);
            }
        }
    }

    private static Dictionary<string, string?> With(Dictionary<string, string?> overrides)
    {
        var settings = new Dictionary<string, string?>(s_validBearer);
        foreach (var (key, value) in overrides)
        {
            settings[key] = value;
        }

        return settings;
    }

    private static IHost Build(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddLogging();
        builder.Services.AddCallerAuthentication(builder.Configuration);
        return builder.Build();
    }
}
