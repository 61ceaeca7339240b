using System.Net;
using System.Text.Json.Nodes;
using BayitPlus.Api.Features.Users;
using BayitPlus.Api.Infrastructure.Auth;
using BayitPlus.Api.Infrastructure.Mongo;
using Microsoft.Extensions.DependencyInjection;

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

    /// <summary>A user stored straight in the database and a client carrying an access token for it.</summary>
    public static async Task<(string UserId, HttpClient Client)> SignedInClientAsync(this ApiFactory api, string role = Roles.User)
    {
        var user = new UserDocument { Email = NewEmail(role), Name = "Test User", Role = role, CreatedAt = DateTime.UtcNow, UpdatedAt = DateTime.UtcNow };
        await api.Services.GetRequiredService<MongoContext>().Collection<UserDocument>(UserDocument.CollectionName).InsertOneAsync(user, cancellationToken: Http.Ct);
        var (token, _) = api.Services.GetRequiredService<AccessTokenIssuer>().Issue(user.Id, user.Email, role, deviceId: null);
        return (user.Id, api.CreateClient().WithToken(token));
    }
}
