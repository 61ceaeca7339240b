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

    /// <summary>A user stored straight in the database and an access token for them, for tests of
    /// endpoints that only need someone signed in (or an admin).</summary>
    public static async Task<string> TokenAsync(this ApiFactory api, string role = Roles.User)
    {
        var user = new UserDocument { Email = NewEmail(role), Name = "Test " + role, Role = role, IsActive = true, CreatedAt = DateTime.UtcNow, UpdatedAt = DateTime.UtcNow };
        await api.Services.GetRequiredService<MongoContext>().Collection<UserDocument>(UserDocument.CollectionName).InsertOneAsync(user, cancellationToken: Http.Ct);
        return api.Services.GetRequiredService<AccessTokenIssuer>().Issue(user.Id, user.Email, role, deviceId: null).Token;
    }
}
