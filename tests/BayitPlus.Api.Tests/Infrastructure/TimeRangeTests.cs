using System.Net;
using System.Text.Json.Nodes;
using BayitPlus.Api.Infrastructure.Auth;
using BayitPlus.Api.Tests.Support;

namespace BayitPlus.Api.Tests.Infrastructure;

/// <summary>The one <c>from</c>/<c>to</c> rule, checked on every query that takes a time range.</summary>
public sealed class TimeRangeTests(ApiFactory api)
{
    private static readonly string[] TimeRangeRoutes = ["/api/admin/audit", "/api/admin/security-events", "/api/admin/security-events/summary"];

    public static readonly TheoryData<string> Routes = new(TimeRangeRoutes);

    private async Task<HttpClient> AdminAsync() => (await api.SignedInClientAsync(Roles.Admin)).Client;

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task A_reversed_range_is_a_400_naming_from(string route)
    {
        var admin = await AdminAsync();

        foreach (var range in new[] { "from=2026-03-02&to=2026-03-01", "from=2026-03-01T12:00:01Z&to=2026-03-01T12:00:00Z", "from=2026-03-01T12:00:00%2B01:00&to=2026-03-01T10:59:59Z" })
        {
            var problem = await (await admin.GetAsync($"{route}?{range}", Http.Ct)).AssertValidationProblemAsync("from");
            Assert.Equal("from must not be after to.", problem["errors"]!["from"]![0]!.GetValue<string>());
        }
    }

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task A_malformed_end_is_a_400_naming_it(string route)
    {
        var admin = await AdminAsync();

        await (await admin.GetAsync($"{route}?from=yesterday", Http.Ct)).AssertValidationProblemAsync("from");
        await (await admin.GetAsync($"{route}?to=2026-13-01", Http.Ct)).AssertValidationProblemAsync("to");
        await (await admin.GetAsync($"{route}?from=soon&to=later", Http.Ct)).AssertValidationProblemAsync("from", "to");
    }

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task Equal_ends_and_times_without_an_offset_are_accepted(string route)
    {
        var admin = await AdminAsync();

        foreach (var range in new[] { "from=2026-03-01T12:00:00Z&to=2026-03-01T12:00:00Z", "from=2026-03-01T12:00:00&to=2026-03-01T12:00:00Z", "from=2026-03-01&to=2026-03-02" })
        {
            var response = await admin.GetAsync($"{route}?{range}", Http.Ct);

            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{range}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(Http.Ct)}");
        }
    }

    [Fact]
    public async Task The_ends_are_documented_as_dates_on_every_route()
    {
        var document = await (await api.CreateClient().GetAsync("/openapi/v1.json", Http.Ct)).ReadAsync<JsonObject>();

        foreach (var route in TimeRangeRoutes)
        {
            var parameters = document["paths"]![route]!["get"]!["parameters"]!.AsArray().Where(p => p!["name"]!.GetValue<string>() is "from" or "to").ToList();
            Assert.Equal(2, parameters.Count);
            Assert.All(parameters, p => Assert.Equal("date-time", p!["schema"]!["format"]!.GetValue<string>()));
        }
    }
}
