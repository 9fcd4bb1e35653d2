using TokenFunction.Auth;
using TokenFunction.Policy;
using TokenFunction.Primitives;

namespace TokenFunction.Tests.Primitives;

/// <summary>Every list-valued setting splits the same way, policy's and authentication's alike.</summary>
public sealed class SettingListsTests
{
    [Theory]
    [InlineData("a,b", new[] { "a", "b" })]
    [InlineData(" a ; b ", new[] { "a", "b" })]
    [InlineData("a b\tc", new[] { "a", "b", "c" })]
    [InlineData("a,,;  ,b,", new[] { "a", "b" })]
    [InlineData("  ", new string[0])]
    [InlineData(null, new string[0])]
    public void Commas_semicolons_and_white_space_separate_and_blanks_drop(string? value, string[] expected) =>
        Assert.Equal(expected, SettingLists.Split(value));

    [Fact]
    public void Policy_lists_and_auth_lists_use_the_one_rule()
    {
        const string written = "camera; microphone screen_share";
        var auth = new CallerAuthenticationOptions { RequiredScopes = written, Audience = written, RequiredRoles = written, ValidTypes = written };
        Assert.Equal(SettingLists.Split(written), auth.GetRequiredScopes());
        Assert.Equal(SettingLists.Split(written), auth.GetAudiences());
        Assert.Equal(SettingLists.Split(written), auth.GetRequiredRoles());
        Assert.Equal(SettingLists.Split(written), auth.GetValidTypes());

        // Before one rule, policy split at commas only and refused "camera; microphone screen_share" as one unknown source.
        var policy = new TokenPolicyOptions { CanPublishSources = written, AllowedAgentNames = written };
        Assert.True(new TokenPolicyOptionsValidator().Validate(null, policy).Succeeded);
        Assert.Equal(3, TokenPolicyOptionsValidator.ParseSources(written, out _)!.Length);
    }
}
