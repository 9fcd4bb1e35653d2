using TokenFunction.Tests.Support;

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
        && Directory.EnumerateFiles(folder, "*Tests.cs", SearchOption.AllDirectories).Any(file => HoldsATestMethod(File.ReadAllText(file)));

    private static bool HoldsATestMethod(string text) =>
        text.Contains("[Fact", StringComparison.Ordinal) || text.Contains("[Theory", StringComparison.Ordinal);

    /// <summary>The test project's own C# files (and the fakes project's inside it), relative to the project, build output aside.</summary>
    private static IEnumerable<string> TestSources() =>
        Directory.EnumerateFiles(s_tests, "*.cs", SearchOption.AllDirectories)
            .Select(path => Path.GetRelativePath(s_tests, path))
            .Where(path => !Folders(path).Any(folder => folder is "bin" or "obj" or "node_modules"));

    private static string[] Folders(string relativePath) =>
        Path.GetDirectoryName(relativePath)!.Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries);

    /// <summary>Support/ holds the shared helpers; EndToEnd/Hosts/ the end-to-end tests' own (hosts, fixtures, the emulator).</summary>
    private static bool IsHelperFolder(string relativePath) =>
        Folders(relativePath) is ["Support", ..] or ["EndToEnd", "Hosts", ..];

    [Fact]
    public void Every_product_folder_has_a_test_folder_of_the_same_name()
    {
        var folders = ProductFolders().ToList();
        Assert.Contains("Http", folders);

        var missing = folders.Where(folder => !HoldsATest(Path.Combine(s_tests, folder))).ToList();

        Assert.True(missing.Count == 0, "Product folders with no tests in TokenFunction.Tests/<folder>/: " + string.Join(", ", missing));
    }

    [Fact]
    public void Every_test_file_declares_its_folders_namespace()
    {
        var wrong = TestSources()
            .Select(path => (Path: path, Expected: "namespace " + string.Join('.', ["TokenFunction", "Tests", .. Folders(path)]) + ";"))
            .Where(file => !File.ReadAllText(Path.Combine(s_tests, file.Path)).Contains(file.Expected, StringComparison.Ordinal))
            .Select(file => $"{file.Path} (expected {file.Expected})")
            .ToList();

        Assert.True(wrong.Count == 0, "Files whose namespace is not their folder's:\n" + string.Join('\n', wrong));
    }

    [Fact]
    public void Helpers_are_in_Support_or_with_the_end_to_end_hosts_and_tests_are_not()
    {
        var misplaced = TestSources()
            .Where(path => HoldsATestMethod(File.ReadAllText(Path.Combine(s_tests, path))) == IsHelperFolder(path))
            .ToList();

        Assert.True(misplaced.Count == 0, "Test classes in a helper folder, or helpers among the tests (move them to Support/<subject>/):\n" + string.Join('\n', misplaced));
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
