using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace BayitPlus.Api.Infrastructure.Http;

/// <summary>A tag a slice's endpoints use, with what it groups (call <see cref="OpenApiTagRegistration.AddOpenApiTag"/>
/// from the slice's <see cref="ISliceServices"/>).</summary>
public sealed record OpenApiTagDescription(string Name, string Description);

/// <summary>The document's tags, each with its description, in alphabetical order ignoring case, as
/// linters compare them ("Admin: ..." tags sort together, and "AI search" after them).</summary>
public sealed class OpenApiTags(IEnumerable<OpenApiTagDescription> declared) : IOpenApiDocumentTransformer
{
    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        var used = document.Paths.Values
            .SelectMany(path => path.Operations?.Values.AsEnumerable() ?? [])
            .SelectMany(operation => operation.Tags ?? new HashSet<OpenApiTagReference>())
            .Select(tag => tag.Name)
            .ToHashSet(StringComparer.Ordinal);
        document.Tags = new HashSet<OpenApiTag>(declared
            .Where(tag => used.Contains(tag.Name))
            .OrderBy(tag => tag.Name, StringComparer.OrdinalIgnoreCase)
            .Select(tag => new OpenApiTag { Name = tag.Name, Description = tag.Description }));
        return Task.CompletedTask;
    }
}

public static class OpenApiTagRegistration
{
    public static IServiceCollection AddOpenApiTag(this IServiceCollection services, string name, string description) =>
        services.AddSingleton(new OpenApiTagDescription(name, description));
}
