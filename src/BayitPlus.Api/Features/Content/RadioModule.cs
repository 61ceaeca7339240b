using Carter;

namespace BayitPlus.Api.Features.Content;

/// <summary>Internet radio: <c>/api/radio/stations</c>. Public reads, output-cached for anonymous callers.</summary>
public sealed class RadioModule : ICarterModule
{
    public void AddRoutes(IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/radio/stations").WithTags("Radio");
        ListRadioStations.Map(group);
        GetRadioStation.Map(group);
    }
}
