using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using BayitPlus.Api.Tests.Support;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MongoDB.Bson;

namespace BayitPlus.Api.Tests.Infrastructure;

/// <summary>Every date a response carries is ISO 8601 UTC with exactly three fraction digits.</summary>
public sealed partial class DateFormatTests(ApiFactory api)
{
    [Fact]
    public async Task A_users_dates_have_milliseconds_and_z_whatever_the_stored_precision()
    {
        var user = await api.SignUpAsync();
        var wholeSecond = new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc);
        var tenthsOnly = new DateTime(2026, 1, 2, 3, 4, 5, 120, DateTimeKind.Utc);
        await api.Database.GetCollection<BsonDocument>("user").UpdateOneAsync(
            new BsonDocument("_id", ObjectId.Parse(user.Id)),
            new BsonDocument("$set", new BsonDocument { ["created_at"] = wholeSecond, ["last_login"] = tenthsOnly }),
            cancellationToken: Http.Ct);

        var me = await (await api.ClientFor(user).GetAsync("/api/users/me", Http.Ct)).ReadJsonAsync();

        Assert.Equal("2026-01-02T03:04:05.000Z", me["createdAt"]!.GetValue<string>());
        Assert.Equal("2026-01-02T03:04:05.120Z", me["lastLogin"]!.GetValue<string>());
        Assert.Matches(IsoMilliseconds(), me["updatedAt"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_just_registered_user_has_no_last_login_and_a_created_at_of_the_fixed_shape()
    {
        var registered = await api.CreateClient().RegisterAsync();

        Assert.Matches(IsoMilliseconds(), registered["createdAt"]!.GetValue<string>());
        Assert.Equal(JsonValueKind.Null, registered["lastLogin"]?.GetValueKind() ?? JsonValueKind.Null);
        Assert.True(registered.ContainsKey("lastLogin"), "a null date is written as null, not left out");
    }

    [Fact]
    public async Task A_listed_devices_last_active_has_the_fixed_shape()
    {
        var user = await api.SignUpAsync();
        await api.AddDeviceAsync(user.Id);

        var devices = await (await api.ClientFor(user).GetAsync("/api/users/me/devices", Http.Ct)).ReadJsonAsync();

        var device = Assert.Single(devices["items"]!.AsArray())!;
        Assert.Matches(IsoMilliseconds(), device["lastActive"]!.GetValue<string>());
        Assert.Matches(IsoMilliseconds(), device["registeredAt"]!.GetValue<string>());
    }

    /// <summary>No response carries a DateTimeOffset today; the host's serializer options decide for the next one.</summary>
    [Fact]
    public void A_date_with_an_offset_is_written_in_utc_and_any_iso_8601_precision_is_read()
    {
        var options = api.Services.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        var withOffset = new DateTimeOffset(2026, 12, 3, 16, 42, 0, 123, TimeSpan.FromHours(2)).AddTicks(4567);

        Assert.Equal("\"2026-12-03T14:42:00.123Z\"", JsonSerializer.Serialize(withOffset, options));
        Assert.Equal("\"2026-12-03T14:42:00.123Z\"", JsonSerializer.Serialize<DateTime?>(withOffset.UtcDateTime, options));
        Assert.Equal(withOffset, JsonSerializer.Deserialize<DateTimeOffset>("\"2026-12-03T16:42:00.1234567+02:00\"", options));
        Assert.Equal(new DateTime(2026, 12, 3, 14, 42, 0, DateTimeKind.Utc), JsonSerializer.Deserialize<DateTime>("\"2026-12-03T14:42:00Z\"", options).ToUniversalTime());
        Assert.ThrowsAny<JsonException>(() => JsonSerializer.Deserialize<DateTime>("\"03/12/2026\"", options));
        Assert.Equal(42, "2026-12-03T14:42:00.1234567890123456+02:00".Length);
        Assert.Equal(withOffset.UtcDateTime, JsonSerializer.Deserialize<DateTime>("\"2026-12-03T16:42:00.1234567890123456+02:00\"", options).ToUniversalTime());
        Assert.ThrowsAny<JsonException>(() => JsonSerializer.Deserialize<DateTime>("\"2026-12-03T16:42:00.12345678901234567+02:00\"", options));
        Assert.Equal(DateTime.Parse("2026-12-03T14:42:00.123Z", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal), JsonSerializer.Deserialize<DateTime>("\"2026-12-03T14:42:00.123Z\"", options).ToUniversalTime());
    }

    [Fact]
    public async Task The_document_shows_dates_as_date_time_strings_nullable_where_the_value_may_be_missing()
    {
        var document = await api.CreateClient().GetFromJsonObjectAsync("/openapi/v1.json");

        var user = document["components"]!["schemas"]!["UserResponse"]!["properties"]!;
        Assert.Equal("\"string\"", user["createdAt"]!["type"]!.ToJsonString());
        Assert.Equal("[\"null\",\"string\"]", user["lastLogin"]!["type"]!.ToJsonString());
        Assert.All([user["createdAt"]!, user["lastLogin"]!], date =>
        {
            Assert.Equal("date-time", date["format"]!.GetValue<string>());
            Assert.Equal(42, date["maxLength"]!.GetValue<int>());
        });
    }

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")]
    private static partial Regex IsoMilliseconds();
}
