using BayitPlus.Api.Infrastructure.Mongo;
using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.Api.Features.Content;

/// <summary>The spec's <c>livechannel</c> collection: live TV channels.</summary>
public sealed class LiveChannelDocument
{
    public const string CollectionName = "livechannel";

    public string Id { get; set; } = "";

    public required string ChannelName { get; set; }

    public int ChannelNumber { get; set; }

    public required string StreamUrl { get; set; }

    public string? LogoUrl { get; set; }

    public string? Language { get; set; }

    public string? Country { get; set; }

    public bool IsActive { get; set; } = true;

    public bool SupportsDubbing { get; set; }

    public bool EpgEnabled { get; set; }

    public DateTime CreatedAt { get; set; }

    /// <summary>Set on every admin change (not in the spec's field list, like content's).</summary>
    public DateTime? UpdatedAt { get; set; }
}

/// <summary>The spec's <c>radiostation</c> collection.</summary>
public sealed class RadioStationDocument
{
    public const string CollectionName = "radiostation";

    public string Id { get; set; } = "";

    public required string StationName { get; set; }

    public required string StreamUrl { get; set; }

    public string? LogoUrl { get; set; }

    public string? Country { get; set; }

    public string? Language { get; set; }

    public string? Genre { get; set; }

    public bool IsActive { get; set; } = true;

    public DateTime CreatedAt { get; set; }

    /// <summary>Set on every admin change (not in the spec's field list, like content's).</summary>
    public DateTime? UpdatedAt { get; set; }
}

public sealed class LiveChannelIndexes : ICollectionIndexes
{
    public string CollectionName => LiveChannelDocument.CollectionName;

    public IEnumerable<CreateIndexModel<BsonDocument>> Indexes =>
    [
        IndexModels.Unique("channel_number"),
        IndexModels.Ascending("is_active"),
        IndexModels.Ascending("country"),
    ];
}
