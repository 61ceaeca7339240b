using System.Net;
using System.Text.Json.Nodes;

namespace BayitPlus.Api.Tests.Support;

/// <summary>Accounts for tests, created through the API itself.</summary>
public static class TestUsers
{
    public const string Password = "correct-horse-42";

    public static string NewEmail(string hint = "user") => $"{hint}-{Guid.NewGuid():N}@example.com";

    public static async Task<JsonObject> RegisterAsync(this HttpClient client, string? email = null, string name = "Test User", string password = Password)
    {
        var response = await client.PostJsonAsync("/api/auth/register", new { email = email ?? NewEmail(), name, password });
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync(Http.Ct));
        return await response.ReadJsonAsync();
    }
}
