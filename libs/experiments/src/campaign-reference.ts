import { CatalogQueryService, type CampaignView } from '#wayline/catalog';
import { NotFoundError, ValidationError } from '#wayline/common';

/**
 * Looks up a campaign named in a request parameter. An unknown key is a bad parameter,
 * so it becomes a 400 naming `path` rather than a 404 for the whole request.
 */
export async function findCampaignOrReject(catalog: CatalogQueryService, key: string, path: string): Promise<CampaignView> {
  try {
    return await catalog.findCampaignByKey(key);
  } catch (error) {
    if (error instanceof NotFoundError) {
      throw ValidationError.forField(path, `no campaign has the key '${key}'`);
    }
    throw error;
  }
}
