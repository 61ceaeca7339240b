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

    /// <summary>A sign-in's device as clients send it; a fresh raw id unless one is given.</summary>
    public static object Device(string? deviceId = null, string deviceName = "Test Phone", string deviceType = "mobile") =>
        new { deviceId = deviceId ?? Guid.NewGuid().ToString(), deviceName, deviceType, platform = "iOS", os = "iOS 17.2", browser = "Safari" };

    /// <summary>Signs in and returns <c>{ accessToken, refreshToken, expiresAt }</c>.</summary>
    public static async Task<JsonObject> LoginAsync(this HttpClient client, string email, string password = Password, object? device = null)
    {
        var response = await client.PostJsonAsync("/api/auth/login", new { email, password, device = device ?? Device() });
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync(Http.Ct));
        return await response.ReadJsonAsync();
    }
}
