using System.Reflection;

namespace TokenFunction.Tests.Architecture;

/// <summary>
/// One naming style: a test class is <c>&lt;Subject&gt;Tests</c> and a test method an underscore sentence that says
/// what holds (<c>Ttl_sets_expiry_exactly</c>), so a failure reads as the behaviour that broke.
/// </summary>
public sealed class TestNamingTests
{
    private static readonly IReadOnlyList<MethodInfo> s_tests =
    [
        .. typeof(TestNamingTests).Assembly.GetTypes()
            .SelectMany(type => type.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly))
            .Where(method => method.GetCustomAttributes<FactAttribute>(inherit: true).Any()),
    ];

    [Fact]
    public void The_suite_is_found()
    {
        Assert.True(s_tests.Count > 400, $"only {s_tests.Count} test methods found");
        Assert.Contains(s_tests, method => method.Name == nameof(The_suite_is_found));
    }

    [Fact]
    public void Test_methods_are_underscore_sentences()
    {
        var pascal = s_tests
            .Where(method => !IsSentence(method.Name))
            .Select(method => $"{method.DeclaringType!.Name}.{method.Name}")
            .Order(StringComparer.Ordinal)
            .ToList();

        Assert.True(pascal.Count == 0, "Test methods not written as underscore sentences:\n" + string.Join('\n', pascal));
    }

    [Fact]
    public void Test_classes_end_in_Tests_and_shared_ones_are_abstract()
    {
        var misnamed = s_tests
            .Select(method => method.DeclaringType!)
            .Distinct()
            .Where(type => !type.IsAbstract && !type.Name.EndsWith("Tests", StringComparison.Ordinal))
            .Select(type => type.FullName)
            .ToList();

        Assert.True(misnamed.Count == 0, "Test classes not named <Subject>Tests:\n" + string.Join('\n', misnamed));
    }

    [Theory]
    [InlineData("Ttl_sets_expiry_exactly", true)]
    [InlineData("IdentityModel_rejects_our_token_under_another_secret", true)]
    [InlineData("KEY_VAULT_RECOVER_is_set_back_to_false_after_the_provision_that_recovered", true)]
    [InlineData("TtlSetsExpiryExactly", false)]
    [InlineData("Ttl", false)]
    public void A_sentence_is_words_joined_by_underscores(string name, bool expected) => Assert.Equal(expected, IsSentence(name));

    // Product, library and setting names keep their own spelling inside the sentence (IdentityModel, LiveKit,
    // KEY_VAULT_RECOVER), so the rule is only that the words are joined by underscores: no PascalCase run.
    private static bool IsSentence(string name) => name.Split('_').Count(word => word.Length > 0) > 1;
}
