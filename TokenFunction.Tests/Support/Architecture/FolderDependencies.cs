using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace TokenFunction.Tests.Support.Architecture;

/// <summary>One place a file of one product folder names another folder's namespace.</summary>
public sealed record FolderDependency(string From, string To, string File, int Line, string Text)
{
    public override string ToString() => $"{From} -> {To}: {File}:{Line} {Text}";
}

/// <summary>
/// Reads the product's C# files as Roslyn syntax (so comments and strings never count) and lists where each folder
/// names another: using directives (plain, static, alias) and qualified names, both <c>TokenFunction.Policy.X</c> and
/// the <c>Policy.X</c> a file inside <c>TokenFunction.*</c> may write.
/// </summary>
public static class FolderDependencies
{
    private const string s_root = "TokenFunction";

    public static IEnumerable<FolderDependency> Scan(string folder, string file, string text, IReadOnlySet<string> folders)
    {
        var root = CSharpSyntaxTree.ParseText(text, path: file).GetCompilationUnitRoot();
        foreach (var node in root.DescendantNodes())
        {
            var named = node switch
            {
                UsingDirectiveSyntax u => u.NamespaceOrType.ToString(),
                QualifiedNameSyntax q when q.Parent is not QualifiedNameSyntax && !InDeclaredNamespace(q) && !InUsing(q) => q.ToString(),
                AliasQualifiedNameSyntax a when a.Parent is not QualifiedNameSyntax && !InUsing(a) => a.ToString(),
                MemberAccessExpressionSyntax m when m.Parent is not MemberAccessExpressionSyntax => Dotted(m),
                _ => null,
            };

            if (named is not null && Target(named, folders) is { } target && target != folder)
            {
                var line = node.GetLocation().GetLineSpan().StartLinePosition.Line + 1;
                yield return new FolderDependency(folder, target, file, line, node.ToString().Split('\n')[0].Trim());
            }
        }
    }

    /// <summary>The product folder a dotted name starts in, if any.</summary>
    public static string? Target(string name, IReadOnlySet<string> folders)
    {
        var parts = name.Replace("global::", "", StringComparison.Ordinal).Split('.', StringSplitOptions.TrimEntries);
        if (parts.Length > 1 && parts[0] == s_root && folders.Contains(parts[1]))
        {
            return parts[1];
        }

        return parts.Length > 1 && folders.Contains(parts[0]) ? parts[0] : null;
    }

    // A member access as the dotted name it starts with: Policy.TokenPolicy.PrivilegedFields, not a call's receiver.
    private static string? Dotted(MemberAccessExpressionSyntax access)
    {
        var names = new Stack<string>();
        ExpressionSyntax current = access;
        while (current is MemberAccessExpressionSyntax m)
        {
            names.Push(m.Name.Identifier.Text);
            current = m.Expression;
        }

        switch (current)
        {
            case IdentifierNameSyntax id:
                names.Push(id.Identifier.Text);
                break;
            case AliasQualifiedNameSyntax alias:
                names.Push(alias.Name.Identifier.Text);
                break;
            default:
                return null;
        }

        return string.Join('.', names);
    }

    private static bool InDeclaredNamespace(SyntaxNode node) => node.Parent is BaseNamespaceDeclarationSyntax;

    private static bool InUsing(SyntaxNode node) => node.Ancestors().Any(a => a is UsingDirectiveSyntax);
}
