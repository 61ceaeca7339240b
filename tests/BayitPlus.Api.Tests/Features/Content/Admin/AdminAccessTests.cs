using System.Net;
using BayitPlus.Api.Infrastructure.Auth;
using BayitPlus.Api.Tests.Support;
using MongoDB.Bson;

namespace BayitPlus.Api.Tests.Features.Content.Admin;

/// <summary>Every admin catalog route is closed to anonymous callers (401) and to signed-in users
/// who are not admins (403), before any body is read.</summary>
public sealed class AdminAccessTests(ApiFactory api)
{
    private static readonly string SomeId = ObjectId.GenerateNewId().ToString();

    public static TheoryData<string, string> Routes()
    {
        var data = new TheoryData<string, string>();
        foreach (var resource in new[] { "/api/admin/content", "/api/admin/podcasts", "/api/admin/live/channels", "/api/admin/radio/stations" })
        {
            data.Add("POST", resource);
            data.Add("GET", $"{resource}/{SomeId}");
            data.Add("PUT", $"{resource}/{SomeId}");
            data.Add("PATCH", $"{resource}/{SomeId}");
            data.Add("DELETE", $"{resource}/{SomeId}");
        }

        data.Add("POST", $"/api/admin/podcasts/{SomeId}/sync");
        return data;
    }

    private static HttpRequestMessage Request(string method, string url) => new(new HttpMethod(method), url)
    {
        Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json"),
    };

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task Without_a_token_every_admin_route_is_401(string method, string url)
    {
        var response = await api.CreateClient().SendAsync(Request(method, url), Http.Ct);

        await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task For_a_user_or_beta_member_every_admin_route_is_403(string method, string url)
    {
        var user = (await api.SignedInClientAsync(Roles.User)).Client;
        var beta = (await api.SignedInClientAsync(Roles.Beta)).Client;

        await (await user.SendAsync(Request(method, url), Http.Ct)).AssertProblemAsync(HttpStatusCode.Forbidden);
        await (await beta.SendAsync(Request(method, url), Http.Ct)).AssertProblemAsync(HttpStatusCode.Forbidden);
    }
}
