using System.Net;
using System.Text.Json.Nodes;
using BayitPlus.Api.Infrastructure.Auth;
using BayitPlus.Api.Tests.Features.Content.Admin;
using BayitPlus.Api.Tests.Support;

namespace BayitPlus.Api.Tests.Infrastructure;

/// <summary>The limits added so that every request value the document shows is bounded: each one is
/// a 400 naming the field just past it, and the value at it is accepted.</summary>
public sealed class RequestLimitsTests(ApiFactory api)
{
    [Fact]
    public async Task A_current_password_longer_than_bcrypt_reads_is_a_400_not_a_check()
    {
        var (_, client) = await api.SignedInClientAsync();

        var response = await client.PostJsonAsync("/api/users/me/password", new { currentPassword = new string('a', 73), newPassword = "another-pass-1" });

        var problem = await response.AssertValidationProblemAsync("currentPassword");
        Assert.Equal("Current password must be at most 72 bytes long.", problem["errors"]!["currentPassword"]![0]!.GetValue<string>());
    }

    [Theory]
    [InlineData("/api/content?", "format", "movie")]
    [InlineData("/api/content?", "audience", "kids")]
    [InlineData("/api/search?q=film&", "section", "movies")]
    [InlineData("/api/search?q=film&", "genre", "drama")]
    [InlineData("/api/search?q=film&", "format", "movie")]
    public async Task At_most_20_values_of_one_axis_are_accepted(string route, string axis, string value)
    {
        var client = api.CreateClient();

        var twenty = await client.GetAsync(route + string.Join("&", Enumerable.Repeat($"{axis}={value}", 20)), Http.Ct);
        var more = await client.GetAsync(route + string.Join("&", Enumerable.Repeat($"{axis}={value}", 21)), Http.Ct);

        Assert.Equal(HttpStatusCode.OK, twenty.StatusCode);
        var problem = await more.AssertValidationProblemAsync(axis);
        Assert.Equal($"At most 20 {axis} values can be combined.", problem["errors"]![axis]![0]!.GetValue<string>());
    }

    [Theory]
    [InlineData("yearFrom=1799", "yearFrom")]
    [InlineData("yearTo=2201", "yearTo")]
    [InlineData("yearFrom=20x0", "yearFrom")]
    [InlineData("limit=many", "limit")]
    [InlineData("limit=-1", "limit")]
    public async Task Search_numbers_are_read_as_text_and_a_bad_one_is_a_400_naming_it(string query, string field)
    {
        var response = await api.CreateClient().GetAsync($"/api/search?q=film&{query}", Http.Ct);

        var problem = await response.AssertValidationProblemAsync(field);
        Assert.Single(problem["errors"]![field]!.AsArray());
    }

    [Fact]
    public async Task A_device_id_longer_than_any_device_sends_is_a_400_and_one_at_the_limit_a_404()
    {
        var (_, client) = await api.SignedInClientAsync();

        var atLimit = await client.DeleteAsync($"/api/users/me/devices/{new string('d', 200)}", Http.Ct);
        var tooLong = await client.DeleteAsync($"/api/users/me/devices/{new string('d', 201)}", Http.Ct);

        await atLimit.AssertProblemAsync(HttpStatusCode.NotFound);
        await tooLong.AssertValidationProblemAsync("deviceId");
    }

    [Fact]
    public async Task The_users_list_reads_isActive_as_text_and_names_a_bad_one()
    {
        var (_, admin) = await api.SignedInClientAsync(Roles.Admin);

        var good = await admin.GetAsync("/api/admin/users?isActive=true&limit=1", Http.Ct);
        var bad = await admin.GetAsync("/api/admin/users?isActive=maybe", Http.Ct);

        Assert.Equal(HttpStatusCode.OK, good.StatusCode);
        var problem = await bad.AssertValidationProblemAsync("isActive");
        Assert.Equal("isActive must be true or false.", problem["errors"]!["isActive"]![0]!.GetValue<string>());
    }

    [Fact]
    public async Task A_time_range_end_longer_than_any_iso_8601_date_time_is_a_400()
    {
        var (_, admin) = await api.SignedInClientAsync(Roles.Admin);
        var longest = "2026-03-01T12:00:00.1234567890123456+00:00";
        Assert.Equal(42, longest.Length);

        var accepted = await admin.GetAsync($"/api/admin/audit?from={Uri.EscapeDataString(longest)}", Http.Ct);
        var refused = await admin.GetAsync($"/api/admin/security-events?to={Uri.EscapeDataString(longest.Replace("+", "0+", StringComparison.Ordinal))}", Http.Ct);

        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        await refused.AssertValidationProblemAsync("to");
    }

    [Fact]
    public async Task A_primary_section_longer_than_a_section_slug_is_a_400_naming_it()
    {
        var (_, admin) = await api.SignedInClientAsync(Roles.Admin);
        var body = ContentBodies.Valid();
        body["primarySectionId"] = new string('a', 51);
        body["sectionIds"] = new JsonArray("movies");

        var response = await admin.PostJsonAsync("/api/admin/content", body);

        var problem = await response.AssertValidationProblemAsync("primarySectionId");
        Assert.Equal("primarySectionId must be at most 50 characters long.", problem["errors"]!["primarySectionId"]![0]!.GetValue<string>());
    }
}
