using BayitPlus.Api.Features.Recaps;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace BayitPlus.Api.Tests.Features.Recaps;

public sealed class SummarizerRegistrationTests
{
    private static ServiceProvider Services(Dictionary<string, string?> configuration)
    {
        var services = new ServiceCollection();
        new RecapsServices().AddServices(services, new ConfigurationBuilder().AddInMemoryCollection(configuration).Build());
        return services.BuildServiceProvider();
    }

    [Fact]
    public void Without_an_openai_key_recaps_are_extractive()
    {
        using var provider = Services([]);

        Assert.IsType<ExtractiveSummarizer>(provider.GetRequiredService<IRecapSummarizer>());
        Assert.Null(provider.GetService<IChatClient>());
    }

    [Fact]
    public void With_an_openai_key_recaps_come_from_the_chat_model()
    {
        using var provider = Services(new() { ["AI:OpenAI:ApiKey"] = "sk-test", ["AI:OpenAI:Endpoint"] = "http://127.0.0.1:9/v1", ["AI:OpenAI:ChatModel"] = "test-model" });

        Assert.IsType<ChatClientSummarizer>(provider.GetRequiredService<IRecapSummarizer>());
        Assert.Equal("test-model", provider.GetRequiredService<IChatClient>().GetService<ChatClientMetadata>()?.DefaultModelId);
    }
}
