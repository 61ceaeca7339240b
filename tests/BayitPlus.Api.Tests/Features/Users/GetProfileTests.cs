using System.Net;
using BayitPlus.Api.Tests.Support;

namespace BayitPlus.Api.Tests.Features.Users;

public sealed class GetProfileTests(ApiFactory api)
{
    [Fact]
    public async Task A_user_without_a_profile_gets_the_defaults()
    {
        var user = await api.SignUpAsync();

        var response = await api.ClientFor(user).GetAsync("/api/users/me/profile", Http.Ct);

        var body = await response.ReadJsonAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(user.Id, body["userId"]!.GetValue<string>());
        Assert.Equal("he", body["languagePreference"]!.GetValue<string>());
        Assert.Null(body["bio"]);
        Assert.Null(body["avatarUrl"]);
        Assert.Empty(body["subtitlePreferences"]!.AsObject());
        Assert.Empty(body["playbackPreferences"]!.AsObject());
    }

    [Fact]
    public async Task Get_answers_my_saved_profile_and_never_another_users()
    {
        var owner = await api.SignUpAsync();
        var other = await api.SignUpAsync();
        await api.ClientFor(owner).PutJsonAsync("/api/users/me/profile", new { bio = "Owner's bio", languagePreference = "es", subtitlePreferences = new { size = "large" } });

        var mine = await (await api.ClientFor(owner).GetAsync("/api/users/me/profile", Http.Ct)).ReadJsonAsync();
        var theirs = await (await api.ClientFor(other).GetAsync("/api/users/me/profile", Http.Ct)).ReadJsonAsync();

        Assert.Equal("Owner's bio", mine["bio"]!.GetValue<string>());
        Assert.Equal("es", mine["languagePreference"]!.GetValue<string>());
        Assert.Equal("large", mine["subtitlePreferences"]!["size"]!.GetValue<string>());
        Assert.Equal(other.Id, theirs["userId"]!.GetValue<string>());
        Assert.Null(theirs["bio"]);
        Assert.Equal("he", theirs["languagePreference"]!.GetValue<string>());
    }

    [Fact]
    public async Task Without_a_token_it_is_401()
    {
        var response = await api.CreateClient().GetAsync("/api/users/me/profile", Http.Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}
