using TokenFunction.Tests.Support.Infra;

namespace TokenFunction.Tests.Infra;

[Collection(InfraTestGroup.Name)]
public sealed class BicepTemplateTests(InfraFixture infra)
{
    [Fact]
    public void Builds_with_no_error_and_no_warning()
    {
        Assert.True(infra.Build.ExitCode == 0, infra.Build.Diagnostics);
        // With --stdout the template goes to stdout; every diagnostic (warning or error) goes to stderr.
        Assert.Equal("", infra.Build.StdErr.Trim());
        Assert.StartsWith("{", infra.Build.StdOut.TrimStart(), StringComparison.Ordinal);
    }

    [Fact]
    public void Lints_with_no_error_and_no_warning()
    {
        Assert.True(infra.Lint.ExitCode == 0, infra.Lint.Diagnostics);
        Assert.Equal("", infra.Lint.Diagnostics);
    }

    [Fact]
    public void Uses_the_newest_stable_API_versions_so_lint_stays_clean_as_they_age()
    {
        Assert.True(infra.FutureLint.ExitCode == 0, infra.FutureLint.Diagnostics);
        Assert.Equal("", infra.FutureLint.Diagnostics);
    }

    public static TheoryData<string> RuleNames => [.. InfraRules.All.Keys];

    [Theory]
    [MemberData(nameof(RuleNames))]
    public void Template_satisfies_rule(string rule)
    {
        var violations = InfraRules.All[rule](infra.Documents).ToList();

        Assert.True(violations.Count == 0, $"{rule}:\n{string.Join('\n', violations)}");
    }
}
