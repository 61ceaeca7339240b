using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using BayitPlus.Fuzz;

// Schema-driven fuzzer: starts the built API, reads its OpenAPI document and sends every operation
// hostile requests anonymous, as a user and as an admin. Every answer >= 500 other than a 502/503
// the operation documents (an unreachable feed, an unconfigured Firebase, a busy database), and every
// request left without an answer, is a finding; the exit code is 1 when there is any.
var requestsPerOperation = Option("--requests", 600);
var seed = Option("--seed", 9);
var deadline = TimeSpan.FromMinutes(Option("--max-minutes", 20));
var outPath = args.SkipWhile(a => a != "--out").Skip(1).FirstOrDefault();

var clock = Stopwatch.StartNew();
Console.WriteLine("Starting the API (Development, embedded emulator)...");
using var api = await ApiUnderTest.StartAsync();
using var http = new HttpClient(new SocketsHttpHandler
{
    AllowAutoRedirect = false,
    UseCookies = false,
    MaxConnectionsPerServer = 16,
    // Non-ASCII header values go out as raw UTF-8, as a hostile client sends them, instead of being refused here.
    RequestHeaderEncodingSelector = (_, _) => Encoding.UTF8,
})
{
    BaseAddress = api.BaseAddress,
    Timeout = TimeSpan.FromSeconds(30),
};
Console.WriteLine($"API ready at {api.BaseAddress} after {clock.Elapsed.TotalSeconds:F0} s");

var document = (await http.GetFromJsonAsync<JsonObject>("/openapi/v1.json"))!;
var operations = Operation.Read(document)
    .OrderBy(o => o.Method == "DELETE")
    .ThenBy(o => o.Path, StringComparer.Ordinal)
    .ThenBy(o => o.Method, StringComparer.Ordinal)
    .ToList();
var identities = new Identities(http);
var bootstrapAdmin = await identities.LoginAsync(ApiUnderTest.AdminEmail, ApiUnderTest.AdminPassword);
var realIds = await RealIdsAsync();
var findings = new List<Finding>();
var summary = new List<string>();
var total = 0;
var random = new Random(seed);

foreach (var operation in operations)
{
    if (clock.Elapsed > deadline)
    {
        summary.Add($"{operation.Label,-60} skipped: the run reached --max-minutes {deadline.TotalMinutes}");
        continue;
    }

    var variants = new HostileRequests(operation, operation.Method == "DELETE" || operation.Path.EndsWith("/sync", StringComparison.Ordinal) ? new Dictionary<string, string>() : realIds, await IssuedCursorsAsync(operation))
        .All();
    var statuses = new SortedDictionary<int, int>();
    var before = findings.Count;
    foreach (var identity in new[] { "anonymous", "user", "admin" })
    {
        var token = identity switch
        {
            "user" => await identities.UserTokenAsync(),
            "admin" => await identities.AdminTokenAsync(bootstrapAdmin),
            _ => null,
        };
        var sample = variants.OrderBy(_ => random.Next()).Take(Math.Max(1, requestsPerOperation / 3)).ToList();
        await Parallel.ForEachAsync(sample, new ParallelOptions { MaxDegreeOfParallelism = 6 }, async (request, _) =>
        {
            var status = await SendAsync(request, token);
            lock (findings)
            {
                total++;
                statuses[status] = statuses.GetValueOrDefault(status) + 1;
                if (status is >= 500 or 0 && !operation.Documented5xx.Contains(status))
                {
                    findings.Add(new Finding(operation.Label, identity, request.Method, request.PathAndQuery, Shorten(request.Body), request.ContentType, request.Accept, request.AcceptLanguage, status, request.What));
                }
            }
        });
    }

    summary.Add($"{operation.Label,-60} {statuses.Values.Sum(),5} sent, {findings.Count - before,3} findings  [{string.Join(' ', statuses.Select(s => $"{(s.Key == 0 ? "none" : s.Key)}x{s.Value}"))}]");
}

Console.WriteLine();
summary.ForEach(Console.WriteLine);
Console.WriteLine();
foreach (var finding in findings.Take(200))
{
    Console.WriteLine($"FINDING {(finding.Status == 0 ? "no answer" : finding.Status)} as {finding.Identity}: {finding.Method} {Shorten(finding.PathAndQuery)} ({finding.What}) body={finding.Body ?? "-"} content-type={finding.ContentType ?? "-"} accept={finding.Accept} accept-language={Shorten(finding.AcceptLanguage) ?? "-"}");
}

if (outPath is not null)
{
    await File.WriteAllTextAsync(outPath, JsonSerializer.Serialize(findings, new JsonSerializerOptions { WriteIndented = true }));
}

Console.WriteLine($"{operations.Count} operations, {total} requests in {clock.Elapsed.TotalSeconds:F0} s: {findings.Count} findings");
return findings.Count == 0 ? 0 : 1;

async Task<int> SendAsync(HostileRequest request, string? token)
{
    using var message = new HttpRequestMessage(new HttpMethod(request.Method), new Uri(api.BaseAddress, request.PathAndQuery));
    message.Headers.TryAddWithoutValidation("Accept", request.Accept);
    if (request.AcceptLanguage is not null)
    {
        message.Headers.TryAddWithoutValidation("Accept-Language", request.AcceptLanguage);
    }

    if (token is not null)
    {
        message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
    }

    if (request.Body is not null)
    {
        message.Content = new ByteArrayContent(request.Body);
        message.Content.Headers.ContentType = null;
        if (request.ContentType is not null)
        {
            message.Content.Headers.TryAddWithoutValidation("Content-Type", request.ContentType);
        }
    }

    try
    {
        using var response = await http.SendAsync(message);
        return (int)response.StatusCode;
    }
    catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
    {
        return 0;
    }
}

// A real id for each path parameter that names a stored thing, so hostile queries and bodies reach
// past the lookup; DELETE and feed sync only ever get unknown ids (nothing is deleted, nothing leaves loopback).
async Task<Dictionary<string, string>> RealIdsAsync()
{
    var ids = new Dictionary<string, string>();
    var victim = await identities.RegisterAsync();
    async Task<string?> FirstAsync(string url) =>
        (await http.GetFromJsonAsync<JsonObject>(url))?["items"]?.AsArray().FirstOrDefault()?["id"]?.GetValue<string>();
    var content = await FirstAsync("/api/content?limit=1");
    var podcast = await FirstAsync("/api/podcasts?limit=1");
    var episode = podcast is null ? null : await FirstAsync($"/api/podcasts/{podcast}/episodes?limit=1");
    var channels = await http.GetFromJsonAsync<JsonNode>("/api/live/channels");
    var stations = await http.GetFromJsonAsync<JsonNode>("/api/radio/stations");
    var search = (await http.GetFromJsonAsync<JsonObject>("/api/search?q=a"))?["searchId"]?.GetValue<string>();
    foreach (var operation in operations)
    {
        foreach (var parameter in operation.Parameters.Where(p => p.In == "path"))
        {
            var id = (operation.Path, parameter.Name) switch
            {
                (var path, "episodeId") when path.Contains("podcasts", StringComparison.Ordinal) => episode,
                (var path, "id") when path.Contains("/podcasts/", StringComparison.Ordinal) => podcast,
                (var path, "id") when path.Contains("/content/", StringComparison.Ordinal) => content,
                (var path, "id") when path.Contains("/live/", StringComparison.Ordinal) => FirstId(channels),
                (var path, "id") when path.Contains("/radio/", StringComparison.Ordinal) => FirstId(stations),
                (var path, "id") when path.Contains("/users/", StringComparison.Ordinal) => victim.Id,
                (_, "searchId") => search,
                _ => null,
            };
            if (id is not null)
            {
                ids[operation.Path + "/" + parameter.Name] = id;
            }
        }
    }

    return ids;
}

static string? FirstId(JsonNode? list) => (list as JsonArray ?? list?["items"] as JsonArray)?.FirstOrDefault()?["id"]?.GetValue<string>();

// Cursors the list issues (as admin, for admin lists), from which crafted ones are derived.
async Task<IReadOnlyList<string>> IssuedCursorsAsync(Operation operation)
{
    if (operation.Method != "GET" || !operation.Parameters.Any(p => p.Name == "cursor"))
    {
        return [];
    }

    var path = operation.Path;
    foreach (var (key, id) in realIds.Where(r => r.Key.StartsWith(operation.Path + "/", StringComparison.Ordinal)))
    {
        path = path.Replace("{" + key[(operation.Path.Length + 1)..] + "}", id, StringComparison.Ordinal);
    }

    using var message = new HttpRequestMessage(HttpMethod.Get, path + "?limit=1");
    message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await identities.AdminTokenAsync(bootstrapAdmin));
    using var response = await http.SendAsync(message);
    return response.IsSuccessStatusCode && (await response.Content.ReadFromJsonAsync<JsonObject>())?["nextCursor"]?.GetValue<string>() is { } cursor ? [cursor] : [];
}

int Option(string name, int fallback) =>
    args.SkipWhile(a => a != name).Skip(1).FirstOrDefault() is { } value && int.TryParse(value, out var parsed) ? parsed : fallback;

static string? Shorten(object? value) => value switch
{
    null => null,
    byte[] bytes => Shorten(Encoding.UTF8.GetString(bytes)),
    string text when text.Length > 300 => $"{text[..200]}...({text.Length} chars)",
    string text => text,
    _ => value.ToString(),
};

/// <summary>One answer >= 500 (or none) to a hostile request.</summary>
internal sealed record Finding(string Operation, string Identity, string Method, string PathAndQuery, string? Body, string? ContentType, string Accept, string? AcceptLanguage, int Status, string What);

/// <summary>The signed-in accounts the fuzzer acts as, re-created when a hostile request ended one
/// (account deletion, a password change, a role or status change): a user, and an admin promoted
/// by the bootstrap admin, which the fuzzer never acts as so that it survives the run.</summary>
internal sealed class Identities(HttpClient http)
{
    private string? _user;
    private string? _admin;

    public async Task<string> UserTokenAsync() => await StillValidAsync(_user) ? _user! : _user = (await RegisterAsync()).Token;

    public async Task<string> AdminTokenAsync(string bootstrapAdmin)
    {
        if (await StillValidAsync(_admin, "/api/admin/users?limit=1"))
        {
            return _admin!;
        }

        var admin = await RegisterAsync();
        using var promote = new HttpRequestMessage(HttpMethod.Patch, $"/api/admin/users/{admin.Id}") { Content = JsonContent.Create(new { role = "admin" }) };
        promote.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bootstrapAdmin);
        (await http.SendAsync(promote)).EnsureSuccessStatusCode();
        return _admin = await LoginAsync(admin.Email, Password);
    }

    public async Task<(string Id, string Email, string Token)> RegisterAsync()
    {
        var email = $"fuzz-{Guid.NewGuid():N}@example.com";
        var registered = await http.PostAsJsonAsync("/api/auth/register", new { email, name = "Fuzz", password = Password });
        registered.EnsureSuccessStatusCode();
        var id = (await registered.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<string>();
        return (id, email, await LoginAsync(email, Password));
    }

    public async Task<string> LoginAsync(string email, string password)
    {
        var response = await http.PostAsJsonAsync("/api/auth/login", new { email, password, device = new { deviceId = Guid.NewGuid().ToString(), deviceName = "Fuzzer", deviceType = "desktop" } });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["accessToken"]!.GetValue<string>();
    }

    private const string Password = "fuzz-password-42";

    private async Task<bool> StillValidAsync(string? token, string url = "/api/users/me")
    {
        if (token is null)
        {
            return false;
        }

        using var message = new HttpRequestMessage(HttpMethod.Get, url);
        message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return (await http.SendAsync(message)).StatusCode == HttpStatusCode.OK;
    }
}
