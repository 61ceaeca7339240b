using BayitPlus.Api.Features.Users;
using BayitPlus.Api.Infrastructure.Auth;
using BayitPlus.Api.Infrastructure.Mongo;
using BayitPlus.Api.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace BayitPlus.Api.Tests.Features.Content.Admin;

/// <summary>Signed-in clients for the admin tests: a user of the given role stored in <c>user</c>
/// and an access token minted for it. Tokens are minted on the real clock, which is the one the
/// bearer handler checks lifetimes against, so a test may move the API's fake clock freely.</summary>
public static class AdminClients
{
    public static async Task<HttpClient> SignedInClientAsync(this ApiFactory api, string role = Roles.Admin)
    {
        var user = new UserDocument { Email = TestUsers.NewEmail(role), Name = $"Test {role}", Role = role, CreatedAt = DateTime.UtcNow, UpdatedAt = DateTime.UtcNow };
        await api.Services.GetRequiredService<MongoContext>().Collection<UserDocument>(UserDocument.CollectionName).InsertOneAsync(user, cancellationToken: Http.Ct);
        var (token, _) = new AccessTokenIssuer(api.Services.GetRequiredService<JwtSettings>(), TimeProvider.System).Issue(user.Id, user.Email, role, null);
        return api.CreateClient().WithToken(token);
    }
}
