using System.Net;
using BayitPlus.Api.Infrastructure.Auth;
using BayitPlus.Api.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace BayitPlus.Api.Tests.Features.Beta500;

/// <summary>A host whose accounts cannot be read or granted a role: the cross-slice default.</summary>
public sealed class NoAccountRolesApiFactory : ApiFactory
{
    protected override void ConfigureServices(IServiceCollection services) => services.Replace(ServiceDescriptor.Singleton<IAccountRoles, NoAccountRoles>());
}

public sealed class EnrollmentWithoutAccountsTests(NoAccountRolesApiFactory api) : IClassFixture<NoAccountRolesApiFactory>
{
    [Fact]
    public async Task Without_an_owner_of_accounts_enrollment_answers_503_and_stores_nothing()
    {
        var user = await api.SignUpAsync();

        var problem = await (await api.ClientFor(user).EnrollAsync()).AssertProblemAsync(HttpStatusCode.ServiceUnavailable);

        Assert.Contains("Accounts are not available", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Null(await api.MemberAsync(user.Id));
        Assert.Equal(Roles.User, await api.RoleAsync(user.Id));
    }
}
