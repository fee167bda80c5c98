import { InjectDataSource, getDataSourceToken } from '@nestjs/typeorm';

/**
 * The name of the plugin's own TypeORM DataSource. A host app that imports the plugin keeps its default
 * DataSource for itself; every plugin provider injects this one (`@InjectPluginDataSource()`), so the
 * plugin's tables are never looked up in the host's database.
 */
export const PLUGIN_DATA_SOURCE = 'marketing-messages';

/** The Nest injection token of the plugin's DataSource, for `app.get(PLUGIN_DATA_SOURCE_TOKEN)`. */
export const PLUGIN_DATA_SOURCE_TOKEN = getDataSourceToken(PLUGIN_DATA_SOURCE);

/** Injects the plugin's DataSource (never the host's default one). */
export const InjectPluginDataSource = (): ParameterDecorator => InjectDataSource(PLUGIN_DATA_SOURCE);
