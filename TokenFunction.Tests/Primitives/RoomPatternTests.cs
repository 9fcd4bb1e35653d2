using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using TokenFunction.Auth;
using TokenFunction.Contract;
using TokenFunction.Http;
using TokenFunction.Tests.Support.Http;

namespace TokenFunction.Tests.Primitives;

/// <summary>
/// Room patterns (bearer room rules and <c>TokenPolicy__RoomNamePattern</c>) match whole room names: what is validated
/// at start-up is what runs per request, no pattern can reach outside its anchors, and matching is linear-time.
/// </summary>
public sealed class RoomPatternTests
{
    // Each closes the anchoring group early and opens an alternative that matches any room.
    public static TheoryData<string> Escaping => ["support-.*)|(.*", "a)|(?:.*", "x)|.*|(y", "a)|.*|(?:b"];

    // Constructs linear-time matching does not support (learn.microsoft.com/dotnet/standard/base-types/regular-expression-options#nonbacktracking-mode).
    public static TheoryData<string> NotLinear => ["(a)\\1", "(?=a)a.*", "(?<=a)b", "(?!x).*", "(?>a+)", "(?(a)a|b)", "\\Ga", "(?<o>a)(?<-o>b)"];

    [Theory]
    [MemberData(nameof(Escaping))]
    public void A_pattern_that_escapes_its_anchors_is_refused_everywhere(string pattern)
    {
        Assert.ThrowsAny<ArgumentException>(() => RoomAccessPolicy.Compile(pattern));
        Assert.Contains("Auth:RoomRules:0:Pattern (Auth__RoomRules__0__Pattern)", BearerFailure(pattern), StringComparison.Ordinal);
        Assert.Contains("TokenPolicy__RoomNamePattern", PolicyFailure(pattern), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(NotLinear))]
    public void A_construct_linear_time_matching_lacks_is_refused_at_start_up(string pattern)
    {
        Assert.Contains("Auth__RoomRules__0__Pattern", BearerFailure(pattern), StringComparison.Ordinal);
        var policy = PolicyFailure(pattern);
        Assert.Contains("TokenPolicy__RoomNamePattern", policy, StringComparison.Ordinal);
        Assert.Contains("backreferences, lookarounds", policy, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("(?x)team#")]
    [InlineData("(?x) t e a m  # the team room")]
    [InlineData("(?x:team)")]
    public void A_free_spacing_pattern_with_a_trailing_comment_works_as_written(string pattern)
    {
        var regex = RoomAccessPolicy.Compile(pattern);

        Assert.Matches(regex, "team");
        Assert.DoesNotMatch(regex, "teamx");
        Assert.DoesNotMatch(regex, "xteam");
        Assert.DoesNotMatch(regex, "team\n");
    }

    [Theory]
    [InlineData("lobby|lobby-.*", "lobby-2", true)]
    [InlineData("lobby|lobby-.*", "lobby", true)]
    [InlineData("a|ab", "ab", true)]
    [InlineData("a|ab", "abc", false)]
    [InlineData("(?i)Team-[a-z]+", "TEAM-red", true)]
    [InlineData("support-(?<n>[0-9]+)", "support-42", true)]
    [InlineData("support-(?<n>[0-9]+)", "support-42x", false)]
    public void The_whole_room_name_must_match_and_any_alternative_may(string pattern, string room, bool matches)
    {
        Assert.Equal(matches, RoomAccessPolicy.Compile(pattern).IsMatch(room));
    }

    [Fact]
    public async Task A_policy_pattern_valid_alone_never_fails_a_request()
    {
        // Validated alone but compiled anchored, this pattern used to stop every request with a 500.
        using var harness = new EndpointHarness(new Dictionary<string, string?> { ["TokenPolicy:RoomNamePattern"] = "(?x)team#" });

        EndpointAssert.Token(harness, await harness.PostTokenAsync(RequestJson.Of((RequestFields.RoomName, "team"))));
        EndpointAssert.Problem(await harness.PostTokenAsync(RequestJson.Of((RequestFields.RoomName, "teamx"))), 403, RequestFields.RoomName);
    }

    private static string BearerFailure(string pattern)
    {
        var options = new CallerAuthenticationOptions
        {
            Mode = CallerAuthenticationMode.Bearer,
            Authority = "https://127.0.0.1:9/issuer",
            Audience = "api://x",
            RoomClaim = "roles",
        };
        options.RoomRules.Add(new RoomRule { Value = "Rooms.A", Pattern = pattern });
        var result = new CallerAuthenticationOptionsValidator().Validate(null, options);
        Assert.True(result.Failed, $"'{pattern}' was accepted");
        return result.FailureMessage;
    }

    private static string PolicyFailure(string pattern)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["LIVEKIT_URL"] = "ws://localhost:7880",
            ["TokenPolicy:RoomNamePattern"] = pattern,
        }).Build();
        using var services = new ServiceCollection().AddLogging().AddTokenEndpoint(configuration).BuildServiceProvider();
        return Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IStartupValidator>().Validate()).Message;
    }
}
