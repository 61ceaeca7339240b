using System.Net;
using BayitPlus.Api.Tests.Support;

namespace BayitPlus.Api.Tests.Features.Users;

public sealed class ListDevicesTests(ApiFactory api)
{
    [Fact]
    public async Task Lists_my_devices_with_the_token_device_flagged_current()
    {
        var registered = await api.SignUpAsync();
        var phone = await api.AddDeviceAsync(registered.Id, "Phone");
        var tv = await api.AddDeviceAsync(registered.Id, "TV");
        var other = await api.SignUpAsync();
        var othersDevice = await api.AddDeviceAsync(other.Id, "Not mine");
        var token = api.MintAccessToken(registered.Id, registered.Email, registered.Role, tv);

        var response = await api.CreateClient().WithToken(token).GetAsync("/api/users/me/devices", Http.Ct);

        var body = await response.ReadJsonAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["items"], body.Select(p => p.Key));
        var items = body["items"]!.AsArray();
        Assert.Equal(new[] { phone, tv }.Order(StringComparer.Ordinal), items.Select(d => d!["id"]!.GetValue<string>()).Order(StringComparer.Ordinal));
        Assert.DoesNotContain(items, d => d!["id"]!.GetValue<string>() == othersDevice);
        Assert.True(items.Single(d => d!["id"]!.GetValue<string>() == tv)!["isCurrent"]!.GetValue<bool>());
        Assert.False(items.Single(d => d!["id"]!.GetValue<string>() == phone)!["isCurrent"]!.GetValue<bool>());
        var tvItem = items.Single(d => d!["id"]!.GetValue<string>() == tv)!;
        Assert.Equal("TV", tvItem["deviceName"]!.GetValue<string>());
        Assert.False(tvItem.AsObject().ContainsKey("deviceId"));
        Assert.Equal("mobile", tvItem["deviceType"]!.GetValue<string>());
        Assert.Equal("iOS", tvItem["platform"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_user_without_devices_gets_an_empty_list_and_no_token_is_401()
    {
        var user = await api.SignUpAsync();

        var mine = await api.ClientFor(user).GetAsync("/api/users/me/devices", Http.Ct);
        var anonymous = await api.CreateClient().GetAsync("/api/users/me/devices", Http.Ct);

        Assert.Empty((await mine.ReadJsonAsync())["items"]!.AsArray());
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
    }
}
