using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using TokenFunction.Tests.EndToEnd.Hosts;
using TokenFunction.Tests.EndToEnd.Hosts.Emulator;
using TokenFunction.Tests.Support;
using TokenFunction.Tests.Support.Auth;
using TokenFunction.Tests.Support.Contract;

namespace TokenFunction.Tests.EndToEnd;

/// <summary>
/// TokenFunction/TokenFunction.http, replayed against the built worker under this run's host: every request gets
/// the status its comment promises, with local.settings.sample.json plus the settings its comment names.
/// </summary>
[Collection(WorkerProcesses.Name)]
public sealed partial class HttpFileEndToEndTests(EndToEndLog log) : IClassFixture<EndToEndLog>
{
    private const string s_audience = "api://token-service-http-file";

    private static readonly HttpFile s_file = HttpFile.Parse(File.ReadAllText(RepoLayout.PathOf("TokenFunction", "TokenFunction.http")));

    [Fact]
    public void The_file_defaults_to_the_local_host_and_covers_every_documented_route()
    {
        using var sample = JsonDocument.Parse(File.ReadAllText(RepoLayout.PathOf("local.settings.sample.json")));
        var port = sample.RootElement.GetProperty("Host").GetProperty("LocalHttpPort").GetInt32();
        Assert.Equal($"http://localhost:{port}", s_file.Variables["baseUrl"]);
        Assert.True(s_file.Requests.Count >= 10, $"only {s_file.Requests.Count} requests parsed");
        Assert.All(s_file.Requests, r => Assert.True(r.ExpectedStatus is >= 200 and < 600, $"'{r.Title}' has no '# Expect: <status>' line"));

        var exercised = s_file.Requests.Select(r => (r.Method, Path: new Uri(r.Url.Replace("{{baseUrl}}", "http://h", StringComparison.Ordinal)).AbsolutePath)).ToHashSet();
        var missing = OpenApiContract.Repository.Operations.Where(o => !exercised.Contains(o)).ToList();
        Assert.True(missing.Count == 0, $"no request in TokenFunction.http for {string.Join(", ", missing)}");
        Assert.Contains(s_file.Requests, r => r.ExpectedStatus is 400 or 403);
        Assert.Contains(s_file.Requests, r => r.IsBearerMode);
    }

    [Fact]
    public async Task Every_request_gets_the_status_its_comment_expects()
    {
        var failures = new List<string>();
        foreach (var group in s_file.Requests.GroupBy(r => string.Join(";", r.Settings.OrderBy(s => s.Key).Select(s => $"{s.Key}={s.Value}"))))
        {
            var first = group.First();
            var signingKey = IssuerKey.Rsa("rsa-http-file");
            await using var issuer = first.IsBearerMode ? await LocalOidcIssuer.StartHttpAsync(signingKey) : null;
            var options = OptionsFromSample();
            foreach (var (key, value) in first.Settings)
            {
                options.AppSettings[key] = value;
            }

            var variables = new Dictionary<string, string>(s_file.Variables, StringComparer.Ordinal);
            if (issuer is not null)
            {
                options.AppSettings["Auth__Authority"] = issuer.Issuer;
                options.AppSettings["Auth__Audience"] = s_audience;
                options.AppSettings["Auth__RequireHttpsMetadata"] = "false";
                variables["accessToken"] = issuer.CreateToken(signingKey, s_audience, new Dictionary<string, object> { ["sub"] = "alice-http" });
            }

            await using var host = await log.StartAsync(options, $"{nameof(HttpFileEndToEndTests)} ({group.Key})");
            using var client = OpenApiContract.CheckingClient(host.CreateClient);
            variables["baseUrl"] = host.BaseAddress.ToString().TrimEnd('/');
            variables["functionKey"] = host.FunctionKey;
            foreach (var request in group)
            {
                using var message = request.ToMessage(variables);
                using var response = await client.SendAsync(message);
                if ((int)response.StatusCode != request.ExpectedStatus)
                {
                    failures.Add($"'{request.Title}': expected {request.ExpectedStatus}, got {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
                }
            }
        }

        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
    }

    /// <summary>What `func start` gets from a fresh copy of local.settings.sample.json.</summary>
    private static FunctionsHostEmulatorOptions OptionsFromSample()
    {
        var options = WorkerFixture.DefaultOptions();
        using var sample = JsonDocument.Parse(File.ReadAllText(RepoLayout.PathOf("local.settings.sample.json")));
        foreach (var setting in sample.RootElement.GetProperty("Values").EnumerateObject())
        {
            options.AppSettings[setting.Name] = setting.Value.GetString();
        }

        return options;
    }

    /// <summary>One request of the file: its title, expectation, settings, and the raw text with {{variables}}.</summary>
    internal sealed record HttpFileRequest(
        string Title, int ExpectedStatus, IReadOnlyDictionary<string, string> Settings, string Method, string Url,
        IReadOnlyList<(string Name, string Value)> Headers, string Body)
    {
        public bool IsBearerMode => Settings.TryGetValue("Auth__Mode", out var mode) && mode == "Bearer";

        public HttpRequestMessage ToMessage(IReadOnlyDictionary<string, string> variables)
        {
            var message = new HttpRequestMessage(new HttpMethod(Method), Substitute(Url, variables));
            if (Body.Length > 0)
            {
                message.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(Substitute(Body, variables)));
            }

            foreach (var (name, value) in Headers)
            {
                var text = Substitute(value, variables);
                if (name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase))
                {
                    (message.Content ??= new ByteArrayContent([])).Headers.ContentType = MediaTypeHeaderValue.Parse(text);
                }
                else
                {
                    message.Headers.TryAddWithoutValidation(name, text);
                }
            }

            return message;
        }

        private static string Substitute(string text, IReadOnlyDictionary<string, string> variables) =>
            Variable().Replace(text, m => variables.TryGetValue(m.Groups[1].Value, out var value) ? value : throw new KeyNotFoundException($"{{{{{m.Groups[1].Value}}}}} is not defined"));
    }

    /// <summary>The subset of the REST-client file format the file uses: @variables, ### separators, # comments.</summary>
    internal sealed record HttpFile(IReadOnlyDictionary<string, string> Variables, IReadOnlyList<HttpFileRequest> Requests)
    {
        public static HttpFile Parse(string text)
        {
            var variables = new Dictionary<string, string>(StringComparer.Ordinal);
            var requests = new List<HttpFileRequest>();
            var blocks = Regex.Split(text.Replace("\r\n", "\n", StringComparison.Ordinal), @"^###", RegexOptions.Multiline);
            foreach (var line in blocks[0].Split('\n'))
            {
                if (VariableLine().Match(line) is { Success: true } variable)
                {
                    variables[variable.Groups[1].Value] = variable.Groups[2].Value.Trim();
                }
            }

            foreach (var block in blocks.Skip(1))
            {
                var lines = block.Split('\n');
                var title = lines[0].Trim();
                var expected = 0;
                var settings = new Dictionary<string, string>(StringComparer.Ordinal);
                var index = 1;
                for (; index < lines.Length && (lines[index].StartsWith('#') || lines[index].StartsWith("//", StringComparison.Ordinal) || lines[index].Trim().Length == 0); index++)
                {
                    if (ExpectLine().Match(lines[index]) is { Success: true } expect)
                    {
                        expected = int.Parse(expect.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
                    }
                    else if (SettingsLine().Match(lines[index]) is { Success: true } settingsLine)
                    {
                        foreach (Match setting in Setting().Matches(settingsLine.Groups[1].Value.Split('(')[0]))
                        {
                            settings[setting.Groups[1].Value] = setting.Groups[2].Value;
                        }
                    }
                }

                var requestLine = lines[index].Trim().Split(' ');
                var headers = new List<(string, string)>();
                for (index++; index < lines.Length && lines[index].Trim().Length > 0; index++)
                {
                    var colon = lines[index].IndexOf(':', StringComparison.Ordinal);
                    headers.Add((lines[index][..colon].Trim(), lines[index][(colon + 1)..].Trim()));
                }

                var body = string.Join("\n", lines.Skip(index)).Trim();
                requests.Add(new HttpFileRequest(title, expected, settings, requestLine[0], requestLine[1], headers, body));
            }

            return new HttpFile(variables, requests);
        }
    }

    [GeneratedRegex(@"\{\{(\w+)\}\}")]
    private static partial Regex Variable();

    [GeneratedRegex(@"^@(\w+)\s*=(.*)$")]
    private static partial Regex VariableLine();

    [GeneratedRegex(@"^#\s*Expect:\s*(\d{3})")]
    private static partial Regex ExpectLine();

    [GeneratedRegex(@"^#\s*Settings:\s*(.*)$")]
    private static partial Regex SettingsLine();

    [GeneratedRegex(@"(\w+)=(\S+?)(?=[,\s]|$)")]
    private static partial Regex Setting();
}
