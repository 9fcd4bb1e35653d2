namespace TokenFunction.Tests.Support;

/// <summary>Finds files of the repository the tests were built from.</summary>
internal static class RepoLayout
{
    private static readonly Lazy<string> s_root = new(FindRoot);

    public static string Root => s_root.Value;

    public static string PathOf(params string[] parts) => Path.Combine([Root, .. parts]);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "TokenFunction.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No TokenFunction.sln above {AppContext.BaseDirectory}.");
    }
}
