using YamlDotNet.RepresentationModel;

namespace TokenFunction.Tests.Support.Infra;

internal static class Yaml
{
    public static YamlMappingNode Load(params string[] repoPath)
    {
        var stream = new YamlStream();
        using var reader = new StreamReader(RepoLayout.PathOf(repoPath));
        stream.Load(reader);
        return Assert.IsType<YamlMappingNode>(Assert.Single(stream.Documents).RootNode);
    }

    public static YamlNode? At(YamlNode? node, params string[] path)
    {
        foreach (var key in path)
        {
            node = node is YamlMappingNode map && map.Children.TryGetValue(new YamlScalarNode(key), out var next) ? next : null;
        }

        return node;
    }

    public static string? Str(YamlNode? node, params string[] path) => (At(node, path) as YamlScalarNode)?.Value;

    public static IEnumerable<string> Strings(YamlNode? node, params string[] path) =>
        (At(node, path) as YamlSequenceNode)?.Children.OfType<YamlScalarNode>().Select(s => s.Value ?? "") ?? [];

    public static IEnumerable<YamlMappingNode> Mappings(YamlNode? node, params string[] path) =>
        (At(node, path) as YamlSequenceNode)?.Children.OfType<YamlMappingNode>() ?? [];

    public static IEnumerable<string> Keys(YamlNode? node, params string[] path) =>
        (At(node, path) as YamlMappingNode)?.Children.Keys.OfType<YamlScalarNode>().Select(k => k.Value ?? "") ?? [];
}
