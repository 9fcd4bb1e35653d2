using System.Text.RegularExpressions;
using TokenFunction.Tests.Support;

namespace TokenFunction.Tests.Contract;

/// <summary>
/// The README is a landing page and the depth lives in docs/: every link between them (and to the repository's
/// files) must lead somewhere, and pointers from code and infra comments to a docs page must name one that exists.
/// </summary>
public sealed partial class DocumentationTests
{
    public static TheoryData<string> Pages()
    {
        var pages = new TheoryData<string>();
        foreach (var page in MarkdownPages())
        {
            pages.Add(page);
        }

        return pages;
    }

    [Fact]
    public void The_README_stays_a_landing_page()
    {
        const int maxLines = 300;
        var lines = File.ReadAllLines(RepoLayout.PathOf("README.md")).Length;

        Assert.True(lines <= maxLines, $"README.md has {lines} lines; keep it at most {maxLines} and put the depth in docs/");
    }

    [Fact]
    public void The_README_links_every_docs_page()
    {
        var linked = Links("README.md").Select(l => Resolve("README.md", l.Path)).ToHashSet(StringComparer.Ordinal);

        Assert.NotEmpty(DocsPages());
        Assert.All(DocsPages(), page => Assert.True(linked.Contains(page), $"README.md does not link {page}"));
    }

    [Fact]
    public void The_README_says_why_the_token_module_is_our_own()
    {
        var readme = File.ReadAllText(RepoLayout.PathOf("README.md"));
        var start = readme.IndexOf("\n## Why the token module is our own\n", StringComparison.Ordinal);
        Assert.True(start >= 0, "the README has no section saying why the token module is our own");
        var end = readme.IndexOf("\n## ", start + 1, StringComparison.Ordinal);
        var why = readme[start..(end < 0 ? readme.Length : end)];

        // Both reasons: the SDK package is not served, and the JWT library refuses the dev server's short secret.
        Assert.Contains("`Livekit.Server.Sdk.Dotnet`", why, StringComparison.Ordinal);
        Assert.Contains("Microsoft.IdentityModel refuses HS256 keys shorter than 32 bytes", why, StringComparison.Ordinal);
        Assert.Contains("`secret` (6 bytes)", why, StringComparison.Ordinal);
        // And it stays true: the project does not reference the package it says it cannot use.
        var packages = File.ReadAllText(RepoLayout.PathOf("Directory.Packages.props"));
        Assert.DoesNotContain("Livekit.Server.Sdk", packages, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [MemberData(nameof(Pages))]
    public void Every_relative_link_leads_to_a_file_and_heading_that_exist(string page)
    {
        var broken = new List<string>();
        foreach (var (path, anchor) in Links(page))
        {
            var target = Resolve(page, path);
            if (!File.Exists(RepoLayout.PathOf(target)) && !Directory.Exists(RepoLayout.PathOf(target)))
            {
                broken.Add($"{path}: no such file {target}");
            }
            else if (anchor.Length > 0 && target.EndsWith(".md", StringComparison.Ordinal) && !Anchors(target).Contains(anchor))
            {
                broken.Add($"{path}#{anchor}: {target} has no heading with that anchor");
            }
        }

        Assert.True(broken.Count == 0, $"{page} has broken links:\n{string.Join('\n', broken)}");
    }

    [Fact]
    public void Pointers_to_a_docs_page_from_code_and_infra_name_one_that_exists()
    {
        var folders = new[] { "TokenFunction", "TokenFunction.Tests", "bench", "infra", ".ci", ".github", ".devcontainer" };
        var sources = folders
            .SelectMany(f => Directory.EnumerateFiles(RepoLayout.PathOf(f), "*", SearchOption.AllDirectories))
            .Where(f => !IsGenerated(f) && Path.GetExtension(f) is ".cs" or ".sh" or ".ps1" or ".bicep" or ".json" or ".yml" or ".yaml" or ".mjs" or "")
            .Append(RepoLayout.PathOf("SECURITY.md"))
            .ToList();

        var pointers = sources
            .SelectMany(f => DocsPointer().Matches(File.ReadAllText(f)).Select(m => (File: Path.GetRelativePath(RepoLayout.Root, f), Page: m.Value)))
            .ToList();

        Assert.NotEmpty(pointers);
        Assert.All(pointers, p => Assert.True(File.Exists(RepoLayout.PathOf(p.Page)), $"{p.File} points at {p.Page}, which does not exist"));
    }

    /// <summary>GitHub's heading anchors: lower case, punctuation dropped, spaces as hyphens, repeats numbered.</summary>
    internal static string Slug(string heading)
    {
        var text = InlineLink().Replace(heading.Trim(), "$1").ToLowerInvariant();
        return NotSlugCharacter().Replace(text, "").Replace(' ', '-');
    }

    private static IEnumerable<string> MarkdownPages() => ["README.md", "SECURITY.md", .. DocsPages()];

    private static List<string> DocsPages() =>
        [.. Directory.EnumerateFiles(RepoLayout.PathOf("docs"), "*.md").Select(f => "docs/" + Path.GetFileName(f)).Order(StringComparer.Ordinal)];

    private static IEnumerable<(string Path, string Anchor)> Links(string page)
    {
        var text = InlineCode().Replace(Fence().Replace(File.ReadAllText(RepoLayout.PathOf(page)), ""), "``");
        foreach (Match link in LinkTarget().Matches(text))
        {
            var target = link.Groups["target"].Value;
            if (Scheme().IsMatch(target))
            {
                continue;
            }

            var hash = target.IndexOf('#', StringComparison.Ordinal);
            yield return hash < 0 ? (target, "") : (target[..hash], target[(hash + 1)..]);
        }
    }

    /// <summary>A link's target as a repository-relative path with '/' separators; an empty path is the page itself.</summary>
    private static string Resolve(string page, string path)
    {
        if (path.Length == 0)
        {
            return page;
        }

        var full = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(RepoLayout.PathOf(page))!, path));
        return Path.GetRelativePath(RepoLayout.Root, full).Replace(Path.DirectorySeparatorChar, '/');
    }

    private static HashSet<string> Anchors(string page)
    {
        var anchors = new HashSet<string>(StringComparer.Ordinal);
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        var inFence = false;
        foreach (var line in File.ReadLines(RepoLayout.PathOf(page)))
        {
            if (line.TrimStart(' ').StartsWith("```", StringComparison.Ordinal))
            {
                inFence = !inFence;
                continue;
            }

            var heading = Heading().Match(line);
            if (inFence || !heading.Success)
            {
                continue;
            }

            var slug = Slug(heading.Groups["text"].Value);
            var count = seen.GetValueOrDefault(slug);
            seen[slug] = count + 1;
            anchors.Add(count == 0 ? slug : $"{slug}-{count}");
        }

        return anchors;
    }

    private static bool IsGenerated(string path) =>
        path.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj" or "node_modules" or "BenchmarkDotNet.Artifacts");

    [GeneratedRegex(@"^ *```.*?^ *```", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex Fence();

    [GeneratedRegex(@"`[^`\n]*`")]
    private static partial Regex InlineCode();

    [GeneratedRegex(@"\]\((?<target>[^)\s]+)\)")]
    private static partial Regex LinkTarget();

    [GeneratedRegex(@"^[a-zA-Z][a-zA-Z0-9+.-]*:")]
    private static partial Regex Scheme();

    [GeneratedRegex(@"^#{1,6} (?<text>.+)$")]
    private static partial Regex Heading();

    [GeneratedRegex(@"\[([^\]]*)\]\([^)]*\)")]
    private static partial Regex InlineLink();

    [GeneratedRegex(@"[^\w\- ]")]
    private static partial Regex NotSlugCharacter();

    [GeneratedRegex(@"\bdocs/[A-Za-z0-9_-]+\.md\b")]
    private static partial Regex DocsPointer();
}
