using TokenFunction.Tests.Support;
using TokenFunction.Tests.Support.Architecture;

namespace TokenFunction.Tests.Architecture;

/// <summary>
/// The product's folders are layers that depend downward only, so a change to a lower one never has to know a higher
/// one and no two folders form a cycle. Registration (<c>Add...</c>) sits in the folder that owns what it registers,
/// or above it.
/// </summary>
public sealed class LayerTests
{
    /// <summary>Top to bottom: a folder may name only folders after it.</summary>
    public static readonly IReadOnlyList<string> Layers =
    [
        "Functions", "Http", "Sandbox", "Policy", "Auth", "LiveKit", "Secrets", "Caching", "Telemetry", "Contract", "Primitives",
    ];

    private static readonly string s_product = Path.Combine(RepoLayout.Root, "TokenFunction");

    private static IEnumerable<(string Folder, string Path)> ProductFiles() =>
        Directory.EnumerateFiles(s_product, "*.cs", SearchOption.AllDirectories)
            .Select(path => Path.GetRelativePath(s_product, path))
            .Where(path => !path.StartsWith("bin", StringComparison.Ordinal) && !path.StartsWith("obj", StringComparison.Ordinal))
            .Select(path => (path.Contains(Path.DirectorySeparatorChar, StringComparison.Ordinal) ? path[..path.IndexOf(Path.DirectorySeparatorChar, StringComparison.Ordinal)] : "", path));

    [Fact]
    public void Every_product_folder_is_a_layer()
    {
        var folders = ProductFiles().Select(f => f.Folder).Where(f => f.Length > 0).Distinct();
        Assert.All(folders, folder => Assert.Contains(folder, Layers));
    }

    [Fact]
    public void Every_file_declares_its_folders_namespace()
    {
        foreach (var (folder, path) in ProductFiles().Where(f => f.Folder.Length > 0))
        {
            var text = File.ReadAllText(Path.Combine(s_product, path));
            Assert.True(text.Contains($"namespace TokenFunction.{folder};", StringComparison.Ordinal), $"{path} is not in namespace TokenFunction.{folder}");
        }
    }

    [Fact]
    public void Folders_depend_only_on_folders_below_them()
    {
        var folders = Layers.ToHashSet(StringComparer.Ordinal);
        var upward = ProductFiles()
            .Where(f => f.Folder.Length > 0)
            .SelectMany(f => FolderDependencies.Scan(f.Folder, f.Path, File.ReadAllText(Path.Combine(s_product, f.Path)), folders))
            .Where(d => Rank(d.To) >= Rank(d.From))
            .Select(d => d.ToString())
            .ToList();

        Assert.True(upward.Count == 0, "Upward or sideways dependencies:\n" + string.Join('\n', upward));
    }

    // The shapes the review found when the folders formed one cycle (Telemetry -> Policy by a qualified name,
    // Sandbox -> Http and Policy -> Http by using directives, Auth -> Policy by a static using): each is seen, and a
    // name in a comment or a string is not.
    [Theory]
    [InlineData("Telemetry", "namespace TokenFunction.Telemetry;\nstatic class T { static object F() => Policy.TokenPolicy.PrivilegedFields; }", "Policy")]
    [InlineData("Sandbox", "using TokenFunction.Http;\nnamespace TokenFunction.Sandbox;\nclass G { }", "Http")]
    [InlineData("Policy", "using Microsoft.Extensions.DependencyInjection;\nusing TokenFunction.Http;\nnamespace TokenFunction.Policy;\nclass E { }", "Http")]
    [InlineData("Auth", "using static TokenFunction.Policy.TextRules;\nnamespace TokenFunction.Auth;\nclass A { }", "Policy")]
    [InlineData("Auth", "using Rules = TokenFunction.Policy.TextRules;\nnamespace TokenFunction.Auth;\nclass A { }", "Policy")]
    [InlineData("Secrets", "namespace TokenFunction.Secrets;\nclass S { global::TokenFunction.Telemetry.TokenServiceTelemetry? t; }", "Telemetry")]
    [InlineData("Contract", "namespace TokenFunction.Contract;\nclass C { TokenFunction.Http.Problems? p; }", "Http")]
    public void The_scan_sees_each_way_a_folder_can_name_another(string folder, string source, string expected)
    {
        var found = FolderDependencies.Scan(folder, "probe.cs", source, Layers.ToHashSet(StringComparer.Ordinal)).ToList();
        Assert.Contains(found, d => d.To == expected && d.From == folder);
    }

    [Fact]
    public void Names_in_comments_strings_and_locals_are_not_dependencies()
    {
        const string source = """
            namespace TokenFunction.Telemetry;
            // Policy.TokenPolicy is mentioned here, and in <see cref="Http.Problems"/>.
            static class T
            {
                static string F(string policy) => "Policy.TokenPolicy" + policy.Length;
            }
            """;
        Assert.Empty(FolderDependencies.Scan("Telemetry", "probe.cs", source, Layers.ToHashSet(StringComparer.Ordinal)));
    }

    private static int Rank(string folder) => Layers.Count - Layers.ToList().IndexOf(folder);
}
