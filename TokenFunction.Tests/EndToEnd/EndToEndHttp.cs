using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using TokenFunction.LiveKit;
using TokenFunction.Tests.LiveKit;

namespace TokenFunction.Tests.EndToEnd;

/// <summary>Requests and assertions shared by the end-to-end route tests.</summary>
internal static class EndToEndHttp
{
    public static HttpRequestMessage Post(string path, string? json, string? key, string contentType = "application/json")
    {
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(path, UriKind.Relative));
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8);
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }

        if (key is not null)
        {
            request.Headers.Add("x-functions-key", key);
        }

        return request;
    }

    public static HttpRequestMessage Get(string path, string? key)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative));
        if (key is not null)
        {
            request.Headers.Add("x-functions-key", key);
        }

        return request;
    }

    public static async Task<(HttpResponseMessage Response, string Body)> SendAsync(WorkerFixture worker, HttpRequestMessage request)
    {
        using (request)
        {
            var response = await worker.Client.SendAsync(request);
            return (response, await response.Content.ReadAsStringAsync());
        }
    }

    public static JsonElement AssertStatusAndJson(
        WorkerFixture worker, HttpResponseMessage response, string body, HttpStatusCode status, string mediaType = "application/json")
    {
        Assert.True(
            response.StatusCode == status,
            $"expected {(int)status}, got {(int)response.StatusCode}: {body}{Environment.NewLine}{worker.Emulator.Diagnostics}");
        Assert.Equal(mediaType, response.Content.Headers.ContentType?.MediaType);
        using var document = JsonDocument.Parse(body);
        return document.RootElement.Clone();
    }

    /// <summary>An RFC 9457 problem body: the standard members, and never the secret or a stack trace.</summary>
    public static JsonElement AssertProblem(WorkerFixture worker, HttpResponseMessage response, string body, params HttpStatusCode[] allowed)
    {
        Assert.True(
            allowed.Contains(response.StatusCode),
            $"expected one of {string.Join(", ", allowed.Select(s => (int)s))}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var document = JsonDocument.Parse(body);
        var problem = document.RootElement.Clone();
        Assert.Equal((int)response.StatusCode, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("title").GetString()));
        Assert.True(problem.TryGetProperty("type", out _), body);
        Assert.True(problem.TryGetProperty("detail", out _), body);
        AssertNothingSecret(body);
        Assert.NotNull(worker);
        return problem;
    }

    public static void AssertNothingSecret(string body)
    {
        Assert.DoesNotContain(WorkerFixture.ApiSecret + "\"", body, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", body, StringComparison.Ordinal);
        Assert.DoesNotContain("eyJ", body, StringComparison.Ordinal);
    }

    public static void AssertNoStore(HttpResponseMessage response)
        => Assert.True(response.Headers.CacheControl?.NoStore == true, $"Cache-Control: {response.Headers.CacheControl}");

    /// <summary>Checks signature, issuer and lifetime with the token module's verifier, and returns the decoded payload.</summary>
    public static JsonElement AssertValidToken(string token)
    {
        var result = new TokenVerifier(WorkerFixture.ApiKey, WorkerFixture.ApiSecret).Verify(token);
        Assert.True(result.IsValid, result.FailureReason);
        Assert.Equal(WorkerFixture.ApiKey, result.Issuer);
        return JwtParts.Payload(token);
    }
}
