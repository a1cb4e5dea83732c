// Runs @backstage/catalog-model's own entity policies and kind validators on each entity
// of a JSON array read from stdin; prints one line per problem, exits 1 if any.
const model = require('@backstage/catalog-model');
const entities = JSON.parse(require('fs').readFileSync(0, 'utf8'));
const policy = model.EntityPolicies.allOf([
  new model.DefaultNamespaceEntityPolicy(),
  new model.NoForeignRootFieldsEntityPolicy(),
  new model.FieldFormatEntityPolicy(),
  new model.SchemaValidEntityPolicy(),
]);
const validators = {
  Component: model.componentEntityV1alpha1Validator,
  System: model.systemEntityV1alpha1Validator,
  Group: model.groupEntityV1alpha1Validator,
  User: model.userEntityV1alpha1Validator,
};
(async () => {
  let failed = 0;
  for (const entity of entities) {
    const where = `${entity.kind}:${entity.metadata && entity.metadata.name}`;
    try {
      await policy.enforce(entity);
      const validator = validators[entity.kind];
      if (!validator) throw new Error(`no validator for kind ${entity.kind}`);
      if ((await validator.check(entity)) !== true) throw new Error('kind validator refused it');
    } catch (e) {
      failed += 1;
      console.log(`${where}: ${e.message}`);
    }
  }
  console.log(`${entities.length} entities, ${failed} refused`);
  process.exit(failed ? 1 : 0);
})();
