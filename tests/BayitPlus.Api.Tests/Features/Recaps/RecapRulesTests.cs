using BayitPlus.Api.Features.Recaps;
using BayitPlus.Api.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using MongoDB.Bson;

namespace BayitPlus.Api.Tests.Features.Recaps;

public sealed class RecapRulesTests
{
    private static readonly DateTime Start = new(2026, 12, 4, 20, 0, 0, DateTimeKind.Utc);

    private static TranscriptLine Line(double from, double to) => new("x", Start.AddSeconds(from), Start.AddSeconds(to), "en", null);

    [Theory]
    [InlineData(0, 60, 0, 10, 10)]
    [InlineData(0, 60, -30, 10, 10)]
    [InlineData(0, 60, 50, 90, 10)]
    [InlineData(0, 60, -10, 70, 60)]
    [InlineData(0, 60, 60, 70, 0)]
    public void One_line_counts_only_within_the_window(double windowFrom, double windowTo, double from, double to, double expected) =>
        Assert.Equal(expected, SharedRecaps.CoveredSeconds([Line(from, to)], Start.AddSeconds(windowFrom), Start.AddSeconds(windowTo)));

    [Fact]
    public void Overlapping_and_nested_lines_count_once_and_gaps_not_at_all()
    {
        List<TranscriptLine> lines = [Line(20, 30), Line(0, 10), Line(5, 15), Line(21, 25), Line(40, 41)];

        Assert.Equal(26, SharedRecaps.CoveredSeconds(lines, Start, Start.AddMinutes(1)));
    }

    [Fact]
    public void A_recap_id_is_one_object_id_per_user_and_summary_dated_by_the_summary()
    {
        var summary = ObjectId.GenerateNewId(new DateTime(2026, 12, 4, 20, 15, 0, DateTimeKind.Utc)).ToString();
        var other = ObjectId.GenerateNewId().ToString();

        var id = SharedRecaps.SessionId("user-a", summary);

        Assert.Equal(id, SharedRecaps.SessionId("user-a", summary));
        Assert.NotEqual(id, SharedRecaps.SessionId("user-b", summary));
        Assert.NotEqual(id, SharedRecaps.SessionId("user-a", other));
        Assert.Equal(new DateTime(2026, 12, 4, 20, 15, 0, DateTimeKind.Utc), ObjectId.Parse(id).CreationTime);
    }

    [Theory]
    [InlineData("Recaps:MinTranscriptSeconds", "0", "Recaps:MinTranscriptSeconds")]
    [InlineData("Recaps:MinTranscriptSeconds", "1801", "Recaps:MinTranscriptSeconds")]
    [InlineData("Recaps:RecapLifetime", "00:00:05", "Recaps:RecapLifetime")]
    [InlineData("Recaps:Timeout", "00:00:00.500", "Recaps:Timeout")]
    [InlineData("Recaps:Timeout", "00:10:00", "Recaps:Timeout")]
    [InlineData("Recaps:RetryAfterFailure", "00:00:00", "Recaps:RetryAfterFailure")]
    public void A_setting_out_of_range_stops_the_start_up_naming_it(string key, string value, string named)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [key] = value }).Build();

        var error = Assert.Throws<StartupException>(() => new RecapsServices().AddServices(new ServiceCollection(), configuration));

        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }
}
