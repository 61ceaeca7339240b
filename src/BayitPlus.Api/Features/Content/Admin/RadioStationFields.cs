using BayitPlus.Api.Infrastructure.Audit;
using FluentValidation;

namespace BayitPlus.Api.Features.Content.Admin;

/// <summary>The fields of a radio station an admin edits.</summary>
public sealed class RadioStationFields
{
    public static readonly CatalogResource<RadioStationDocument, RadioStationFields, RadioStationAdminResponse> Resource = new()
    {
        Prefix = "/api/admin/radio/stations",
        Tag = "Admin: Radio stations",
        OperationName = "RadioStation",
        Noun = "radio station",
        CreateSummary = "Add an internet radio station",
        DeleteSummary = "Remove a radio station",
        Collection = RadioStationDocument.CollectionName,
        Name = "Radio station",
        AuditType = "radio_station",
    };

    public string? StationName { get; set; }

    public string? StreamUrl { get; set; }

    public string? LogoUrl { get; set; }

    public string? Country { get; set; }

    public string? Language { get; set; }

    public string? Genre { get; set; }

    public bool IsActive { get; set; } = true;

    public sealed class Validator : AbstractValidator<RadioStationFields>
    {
        public Validator()
        {
            RuleFor(s => s.StationName).Required("stationName", CatalogRules.MaxNameLength);
            RuleFor(s => s.StreamUrl).Cascade(CascadeMode.Stop).NotEmpty().WithMessage("streamUrl is required.").HttpUrl("streamUrl");
            RuleFor(s => s.LogoUrl).HttpUrl("logoUrl");
            RuleFor(s => s.Language).Language("language");
            RuleFor(s => s.Country).Country("country");
            RuleFor(s => s.Genre).Slug("genre");
        }
    }
}

/// <summary>A radio station as admins see it.</summary>
public sealed record RadioStationAdminResponse(
    string Id,
    string StationName,
    string StreamUrl,
    string? LogoUrl,
    string? Country,
    string? Language,
    string? Genre,
    bool IsActive,
    DateTime CreatedAt,
    DateTime? UpdatedAt) : IHasId;
