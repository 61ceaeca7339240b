using System.Net;
using BayitPlus.Api.Features.Audit;
using BayitPlus.Api.Infrastructure;
using BayitPlus.Api.Infrastructure.Audit;
using BayitPlus.Api.Infrastructure.Http;
using BayitPlus.Api.Infrastructure.Security;
using BayitPlus.Api.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace BayitPlus.Api.Tests.Infrastructure;

/// <summary>A host whose Audit slice is taken out: what the slice registered is removed and the
/// Infrastructure's defaults are all that is left, as in a build without <c>Features/Audit</c>.</summary>
public sealed class WithoutAuditSliceApiFactory : ApiFactory
{
    protected override void ConfigureServices(IServiceCollection services)
    {
        var slice = new ServiceCollection();
        new AuditServices().AddServices(slice, new ConfigurationBuilder().Build());
        var registered = services.Where(d => slice.Any(s => s.ServiceType == d.ServiceType
            && s.ImplementationType == d.ImplementationType
            && s.ImplementationFactory?.Method == d.ImplementationFactory?.Method
            && Equals(s.ImplementationInstance, d.ImplementationInstance))).ToList();
        Assert.Equal(slice.Count, registered.Count);
        foreach (var descriptor in registered)
        {
            services.Remove(descriptor);
        }

        SliceSetup.AddCrossSliceDefaults(services);
    }
}

public sealed class SliceBoundaryTests(WithoutAuditSliceApiFactory api) : IClassFixture<WithoutAuditSliceApiFactory>
{
    [Fact]
    public async Task Without_the_audit_slice_requests_including_audited_and_atomic_commands_are_served()
    {
        var admin = await api.SignUpAsync(role: "admin");
        var user = await api.SignUpAsync();
        var client = api.CreateClient();

        var login = await client.PostJsonAsync("/api/auth/login", new { email = user.Email, password = TestUsers.Password, device = TestUsers.Device() });
        var promote = await api.ClientFor(admin).PatchJsonAsync($"/api/admin/users/{user.Id}", new { role = "beta" });
        var wrongPassword = await client.PostJsonAsync("/api/auth/login", new { email = user.Email, password = "wrong-password-1", device = TestUsers.Device() });

        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        Assert.Equal(HttpStatusCode.OK, promote.StatusCode);
        Assert.Equal("beta", (await promote.ReadJsonAsync())["role"]!.GetValue<string>());
        await wrongPassword.AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.IsType<NoAuditTrail>(api.Services.GetRequiredService<IAuditTrail>());
        Assert.IsType<NoSecurityEvents>(api.Services.GetRequiredService<ISecurityEvents>());
    }

    [Fact]
    public void Each_slice_folder_has_at_most_one_service_registration()
    {
        var registrations = typeof(ISliceServices).Assembly.GetTypes()
            .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(ISliceServices).IsAssignableFrom(t))
            .ToList();

        Assert.True(registrations.Count >= 3, $"only {registrations.Count} slice registrations found");
        var bySlice = registrations.GroupBy(t => t.Namespace!.Split('.')[3]);
        Assert.All(bySlice, slice => Assert.True(slice.Count() == 1, $"{slice.Key} has {slice.Count()} registrations: {string.Join(", ", slice)}"));
    }

    [Fact]
    public void An_endpoint_naming_an_undeclared_rate_limit_policy_stops_the_start_up_naming_it()
    {
        var builder = WebApplication.CreateBuilder();
        builder.Configuration.Sources.Clear();
        builder.AddClientRateLimits();
        builder.Services.AddRateLimitPolicy("declared", 1, TimeSpan.FromMinutes(1));
        var app = builder.Build();
        app.MapGet("/fine", () => "ok").RequireRateLimiting("declared");
        app.ValidateRateLimitPolicies();
        app.MapGet("/typo", () => "ok").RequireRateLimiting("declard");

        var error = Assert.Throws<StartupException>(app.ValidateRateLimitPolicies);

        Assert.Contains("\"declard\"", error.Message, StringComparison.Ordinal);
        Assert.Contains("/typo", error.Message, StringComparison.Ordinal);
    }
}
