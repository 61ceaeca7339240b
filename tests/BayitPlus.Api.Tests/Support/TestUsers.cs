using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using BayitPlus.Api.Features.Users;
using BayitPlus.Api.Infrastructure.Auth;
using BayitPlus.Api.Infrastructure.Mongo;
using Microsoft.Extensions.DependencyInjection;
using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.Api.Tests.Support;

/// <summary>A registered account and an access token minted for it.</summary>
public sealed record SignedInUser(string Id, string Email, string Role, string? DeviceId, string AccessToken);

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

    /// <summary>Registers through <c>POST /api/auth/register</c>, sets the role in the database when
    /// it is not <c>user</c>, and mints an access token from the host's own issuer, so tests of
    /// signed-in endpoints do not depend on the login endpoint.</summary>
    public static async Task<SignedInUser> SignUpAsync(this ApiFactory api, string? email = null, string role = Roles.User, string? deviceId = null)
    {
        var registered = await api.CreateClient().RegisterAsync(email);
        var id = registered["id"]!.GetValue<string>();
        var stored = registered["email"]!.GetValue<string>();
        if (role != Roles.User)
        {
            await api.Database.GetCollection<BsonDocument>("user").UpdateOneAsync(
                new BsonDocument("_id", ObjectId.Parse(id)), new BsonDocument("$set", new BsonDocument("role", role)), cancellationToken: Http.Ct);
        }

        return new SignedInUser(id, stored, role, deviceId, api.MintAccessToken(id, stored, role, deviceId));
    }

    public static string MintAccessToken(this ApiFactory api, string userId, string email, string role, string? deviceId = null) =>
        api.Services.GetRequiredService<AccessTokenIssuer>().Issue(userId, email, role, deviceId).Token;

    /// <summary>A client that sends the user's access token.</summary>
    public static HttpClient ClientFor(this ApiFactory api, SignedInUser user) => api.CreateClient().WithToken(user.AccessToken);

    /// <summary>A refresh token of the user's, issued by the host's own service (as sign-in would).</summary>
    public static async Task<TokensResponse> IssueRefreshTokenAsync(this ApiFactory api, SignedInUser user, string? deviceId = null)
    {
        var account = await api.Services.GetRequiredService<MongoContext>().Collection<UserDocument>(UserDocument.CollectionName)
            .Find(u => u.Id == user.Id).SingleAsync(Http.Ct);
        return await api.Services.GetRequiredService<RefreshTokens>().IssueAsync(account, deviceId ?? user.DeviceId, Http.Ct);
    }

    /// <summary>The stored form of a client's device identifier (SHA-256, hex).</summary>
    public static string HashDeviceId(string rawDeviceId) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(rawDeviceId)));

    /// <summary>Stores a device on the user as sign-in would register it; returns its stored id.</summary>
    public static async Task<string> AddDeviceAsync(this ApiFactory api, string userId, string deviceName = "Test phone")
    {
        var deviceId = HashDeviceId(Guid.NewGuid().ToString());
        var now = DateTime.UtcNow;
        var device = new BsonDocument
        {
            ["device_id"] = deviceId,
            ["device_name"] = deviceName,
            ["device_type"] = "mobile",
            ["platform"] = "iOS",
            ["last_active"] = now,
            ["registered_at"] = now,
            ["is_current"] = false,
        };
        await api.Database.GetCollection<BsonDocument>("user").UpdateOneAsync(
            new BsonDocument("_id", ObjectId.Parse(userId)), new BsonDocument("$push", new BsonDocument("devices", device)), cancellationToken: Http.Ct);
        return deviceId;
    }

    /// <summary>A signed-up user of the role and a client carrying their access token.</summary>
    public static async Task<(string UserId, HttpClient Client)> SignedInClientAsync(this ApiFactory api, string role = Roles.User)
    {
        var user = await api.SignUpAsync(role: role);
        return (user.Id, api.ClientFor(user));
    }
}
