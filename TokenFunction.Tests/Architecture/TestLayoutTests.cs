using TokenFunction.Tests.Infra;

namespace TokenFunction.Tests.Architecture;

/// <summary>The tests mirror the product: whoever changes a product folder finds its tests in the folder of the same name.</summary>
public sealed class TestLayoutTests
{
    private static readonly string s_product = RepoLayout.PathOf("TokenFunction");
    private static readonly string s_tests = RepoLayout.PathOf("TokenFunction.Tests");

    /// <summary>The product's folders that hold C# (its build output aside).</summary>
    private static IEnumerable<string> ProductFolders() =>
        Directory.EnumerateDirectories(s_product)
            .Select(Path.GetFileName)
            .OfType<string>()
            .Where(name => name is not ("bin" or "obj"))
            .Where(name => Directory.EnumerateFiles(Path.Combine(s_product, name), "*.cs", SearchOption.AllDirectories).Any());

    /// <summary>A test folder counts when it holds a test: a class with a <c>[Fact]</c> or a <c>[Theory]</c>.</summary>
    private static bool HoldsATest(string folder) =>
        Directory.Exists(folder)
        && Directory.EnumerateFiles(folder, "*Tests.cs", SearchOption.AllDirectories)
            .Any(file => File.ReadAllText(file) is var text && (text.Contains("[Fact", StringComparison.Ordinal) || text.Contains("[Theory", StringComparison.Ordinal)));

    [Fact]
    public void Every_product_folder_has_a_test_folder_of_the_same_name()
    {
        var folders = ProductFolders().ToList();
        Assert.Contains("Http", folders);

        var missing = folders.Where(folder => !HoldsATest(Path.Combine(s_tests, folder))).ToList();

        Assert.True(missing.Count == 0, "Product folders with no tests in TokenFunction.Tests/<folder>/: " + string.Join(", ", missing));
    }

    [Fact]
    public void A_folder_without_tests_is_seen()
    {
        var empty = Directory.CreateTempSubdirectory("test-layout-");
        try
        {
            File.WriteAllText(Path.Combine(empty.FullName, "Helper.cs"), "namespace X;\ninternal static class Helper { }\n");
            File.WriteAllText(Path.Combine(empty.FullName, "NothingTests.cs"), "namespace X;\npublic sealed class NothingTests { }\n");

            Assert.False(HoldsATest(empty.FullName));
            Assert.False(HoldsATest(Path.Combine(empty.FullName, "absent")));
            Assert.True(HoldsATest(Path.Combine(s_tests, "Http")));
        }
        finally
        {
            empty.Delete(recursive: true);
        }
    }
}
