using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using TokenFunction.Tests.Support.LiveKit;

namespace TokenFunction.Tests.EndToEnd.Hosts;

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
        AssertStatus(worker, response, body, status);
        Assert.Equal(mediaType, response.Content.Headers.ContentType?.MediaType);
        using var document = JsonDocument.Parse(body);
        return document.RootElement.Clone();
    }

    /// <summary>The exact status; on failure the message carries the body and the worker's own output.</summary>
    public static void AssertStatus(WorkerFixture worker, HttpResponseMessage response, string body, HttpStatusCode status) =>
        Assert.True(
            response.StatusCode == status,
            $"expected {(int)status}, got {(int)response.StatusCode}: {body}{Environment.NewLine}worker output:{Environment.NewLine}{worker.Host.Diagnostics}");

    // RFC 9110's section for each status the contract uses: https://www.rfc-editor.org/rfc/rfc9110#section-15.5
    private static readonly Dictionary<HttpStatusCode, string> s_problemTypes = new()
    {
        [HttpStatusCode.BadRequest] = "https://www.rfc-editor.org/rfc/rfc9110#section-15.5.1",
        [HttpStatusCode.Unauthorized] = "https://www.rfc-editor.org/rfc/rfc9110#section-15.5.2",
        [HttpStatusCode.Forbidden] = "https://www.rfc-editor.org/rfc/rfc9110#section-15.5.4",
        [HttpStatusCode.RequestEntityTooLarge] = "https://www.rfc-editor.org/rfc/rfc9110#section-15.5.14",
        [HttpStatusCode.UnsupportedMediaType] = "https://www.rfc-editor.org/rfc/rfc9110#section-15.5.16",
    };

    /// <summary>
    /// An RFC 9457 problem with exactly this status, its RFC 9110 <c>type</c>, the <c>field</c> that failed (when
    /// given), the problem content type, and never the secret, a token or a stack trace.
    /// </summary>
    public static JsonElement AssertProblem(WorkerFixture worker, HttpResponseMessage response, string body, HttpStatusCode status, string? field = null)
    {
        AssertStatus(worker, response, body, status);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var document = JsonDocument.Parse(body);
        var problem = document.RootElement.Clone();
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        Assert.Equal(s_problemTypes[status], problem.GetProperty("type").GetString());
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("title").GetString()));
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("detail").GetString()), body);
        if (field is not null)
        {
            Assert.True(problem.TryGetProperty("field", out var named), $"no field in {body}");
            Assert.Equal(field, named.GetString());
        }

        AssertNothingSecret(body);
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

    /// <summary>
    /// Judges the token with LiveKit's own Node SDK (<c>TokenVerifier</c> for the dev key and secret the worker signs
    /// with), not with the module that minted it, and returns the payload as the SDK decoded it.
    /// </summary>
    public static async Task<JsonElement> AssertJudgedTokenAsync(string token)
    {
        var verdict = Assert.Single(await LiveKitJudge.VerifyAsync([(token, WorkerFixture.ApiKey, WorkerFixture.ApiSecret)]));
        Assert.True(verdict.Ok, $"livekit-server-sdk refused the token: {verdict.Error}");
        Assert.Equal("HS256", verdict.Header.GetProperty("alg").GetString());
        Assert.Equal(WorkerFixture.ApiKey, verdict.Payload.GetProperty("iss").GetString());
        return verdict.Payload;
    }
}
