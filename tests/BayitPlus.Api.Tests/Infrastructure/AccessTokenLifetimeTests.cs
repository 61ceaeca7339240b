using System.Net;
using BayitPlus.Api.Infrastructure.Auth;
using BayitPlus.Api.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace BayitPlus.Api.Tests.Infrastructure;

/// <summary>Access tokens live for Jwt:AccessTokenLifetime (15 minutes) on the API's own clock.</summary>
[Collection<FakeClockCollection>]
public sealed class AccessTokenLifetimeTests(FakeClockApiFactory api)
{
    [Fact]
    public async Task An_access_token_works_until_it_expires_and_is_refused_after()
    {
        var user = await api.SignUpAsync();
        var client = api.ClientFor(user);

        var fresh = await client.GetAsync("/api/users/me", Http.Ct);
        api.Clock.Advance(TimeSpan.FromMinutes(14));
        var old = await client.GetAsync("/api/users/me", Http.Ct);
        api.Clock.Advance(TimeSpan.FromMinutes(2));
        var expired = await client.GetAsync("/api/users/me", Http.Ct);

        Assert.Equal(HttpStatusCode.OK, fresh.StatusCode);
        Assert.Equal(HttpStatusCode.OK, old.StatusCode);
        await expired.AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_token_issued_in_the_future_is_refused()
    {
        var user = await api.SignUpAsync();
        var aheadOfTheApi = new FakeTimeProvider(api.Clock.GetUtcNow() + TimeSpan.FromMinutes(10));
        var fromTheFuture = new AccessTokenIssuer(api.Services.GetRequiredService<JwtSettings>(), aheadOfTheApi).Issue(user.Id, user.Email, user.Role, null).Token;

        var response = await api.CreateClient().WithToken(fromTheFuture).GetAsync("/api/users/me", Http.Ct);

        await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
    }
}
