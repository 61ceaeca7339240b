namespace BayitPlus.Api.Features.Content;

/// <summary>A live channel as the public catalog shows it. Live streams are public, so the stream
/// address is part of the listing (unlike VOD items, whose stream URL comes from play).</summary>
public sealed record LiveChannelResponse(
    string Id,
    string ChannelName,
    int ChannelNumber,
    string StreamUrl,
    string? LogoUrl,
    string? Language,
    string? Country,
    bool SupportsDubbing,
    bool EpgEnabled)
{
    public static LiveChannelResponse From(LiveChannelDocument channel) => new(
        channel.Id,
        channel.ChannelName,
        channel.ChannelNumber,
        channel.StreamUrl,
        channel.LogoUrl,
        channel.Language,
        channel.Country,
        channel.SupportsDubbing,
        channel.EpgEnabled);
}

/// <summary>A radio station as the public catalog shows it, with its stream address.</summary>
public sealed record RadioStationResponse(
    string Id,
    string StationName,
    string StreamUrl,
    string? LogoUrl,
    string? Country,
    string? Language,
    string? Genre)
{
    public static RadioStationResponse From(RadioStationDocument station) => new(
        station.Id,
        station.StationName,
        station.StreamUrl,
        station.LogoUrl,
        station.Country,
        station.Language,
        station.Genre);
}
