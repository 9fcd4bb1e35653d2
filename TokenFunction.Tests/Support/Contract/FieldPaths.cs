using TokenFunction.Contract;

namespace TokenFunction.Tests.Support.Contract;

/// <summary>The problem <c>field</c> of a member inside the request, built from <see cref="RequestFields"/>.</summary>
internal static class FieldPaths
{
    /// <summary><c>room_config.agents[index].member</c>.</summary>
    public static string Agent(int index, string member) => RequestFields.Agents.Entry(index) + "." + member;
}
