using Microsoft.AspNetCore.Routing;
using TokenFunction.Tests.EndToEnd.Hosts.Emulator;
using TokenFunction.Tests.EndToEnd.Hosts.Emulator.Rpc;

namespace TokenFunction.Tests.EndToEnd;

/// <summary>The emulator's reading of the worker's binding metadata, which the end-to-end tests rely on.</summary>
public sealed class HttpFunctionTests
{
    private static RpcFunctionMetadata Metadata(string name, params string[] rawBindings)
    {
        var metadata = new RpcFunctionMetadata { Name = name, FunctionId = "1234567890" };
        metadata.RawBindings.Add(rawBindings);
        return metadata;
    }

    [Fact]
    public void Capitalised_binding_values_from_the_worker_are_understood()
    {
        var metadata = Metadata(
            "token",
            """{"name":"req","direction":"In","type":"httpTrigger","authLevel":"Anonymous","methods":["post","Get"],"route":"token"}""",
            """{"name":"$return","type":"http","direction":"Out"}""");

        var (bindings, http) = HttpFunction.Parse(metadata, "api");

        Assert.Equal(BindingInfo.Types.Direction.In, bindings["req"].Direction);
        Assert.Equal(BindingInfo.Types.Direction.Out, bindings["$return"].Direction);
        Assert.NotNull(http);
        Assert.Equal(FunctionAuthLevel.Anonymous, http.AuthLevel);
        Assert.True(http.AllowsMethod("POST"));
        Assert.True(http.AllowsMethod("GET"));
        Assert.False(http.AllowsMethod("DELETE"));
        Assert.Equal("req", http.TriggerName);
        Assert.Equal("1234567890", http.FunctionId);
    }

    [Fact]
    public void No_route_means_the_function_name_and_no_auth_level_means_function_keys()
    {
        var (_, http) = HttpFunction.Parse(Metadata("ping", """{"name":"r","direction":"In","type":"httpTrigger"}"""), "api");

        Assert.Equal("api/ping", http!.Template);
        Assert.Equal(FunctionAuthLevel.Function, http.AuthLevel);
        Assert.True(http.AllowsMethod("PATCH"));
    }

    [Theory]
    [InlineData("", "/items/42", true)]
    [InlineData("", "/api/items/42", false)]
    [InlineData("v1", "/v1/items/42", true)]
    public void The_route_prefix_and_route_parameters_are_matched_as_the_host_does(string prefix, string path, bool matches)
    {
        var (_, http) = HttpFunction.Parse(
            Metadata("items", """{"name":"r","direction":"In","type":"httpTrigger","route":"items/{id}"}"""), prefix);
        var values = new RouteValueDictionary();

        Assert.Equal(matches, http!.TryMatch(path, values));
        if (matches)
        {
            Assert.Equal("42", values["id"]);
        }
    }

    [Fact]
    public void A_function_without_an_http_trigger_is_loaded_but_not_routed()
    {
        var (bindings, http) = HttpFunction.Parse(
            Metadata("timer", """{"name":"t","direction":"In","type":"timerTrigger","schedule":"0 * * * * *"}"""), "api");

        Assert.Single(bindings);
        Assert.Null(http);
    }
}
