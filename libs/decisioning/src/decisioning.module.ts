import { Module } from '@nestjs/common';
import { AuditModule } from '#wayline/audit';
import { CatalogModule } from '#wayline/catalog';
import { DeliveryModule } from '#wayline/delivery';
import { JourneysModule } from '#wayline/journeys';
import { ArbitrationService } from './arbitration/arbitration.service.ts';
import { HoldoutAssignmentRepository } from './assignment/holdout-assignment.repository.ts';
import { HoldoutAssignmentService } from './assignment/holdout-assignment.service.ts';
import { CampaignPreviewService } from './arbitration/campaign-preview.service.ts';
import { OfferBudgetRepository } from './arbitration/offer-budget.repository.ts';
import { PolicyFactsRepository } from './arbitration/policy-facts.repository.ts';
import { PolicyFactsService } from './arbitration/policy-facts.service.ts';
import { ContactPolicyRepository } from './contact-policy/contact-policy.repository.ts';
import { ContactPolicyService } from './contact-policy/contact-policy.service.ts';
import { ContactSettingsService } from './contact-policy/contact-settings.service.ts';
import { DecisionQueryService } from './decision-query.service.ts';
import { DecisionRepository } from './decision.repository.ts';
import { DecisionCustomerRepository } from './decision-customer.repository.ts';
import { DecisioningChanges } from './decisioning-changes.ts';
import { NextBestOfferService } from './next-best-offer.service.ts';
import { PropensityModelRepository } from './propensity/propensity-model.repository.ts';
import { PropensityService } from './propensity/propensity.service.ts';
import { ModelTrainingService } from './propensity/model-training.service.ts';
import { ModelVersionsService } from './uplift/model-versions.service.ts';
import { UpliftModelRepository } from './uplift/uplift-model.repository.ts';

@Module({
  imports: [CatalogModule, DeliveryModule, JourneysModule, AuditModule],
  providers: [DecisioningChanges, DecisionRepository, DecisionQueryService, DecisionCustomerRepository, PropensityModelRepository, PropensityService, NextBestOfferService,
    UpliftModelRepository, ModelTrainingService, ModelVersionsService,
    ContactPolicyRepository, ContactPolicyService, ContactSettingsService,
    PolicyFactsRepository, PolicyFactsService, OfferBudgetRepository, ArbitrationService, CampaignPreviewService,
    HoldoutAssignmentRepository, HoldoutAssignmentService],
  exports: [HoldoutAssignmentService, CampaignPreviewService, DecisionRepository, DecisionQueryService, PropensityService, ModelTrainingService, ModelVersionsService, NextBestOfferService, ContactPolicyService, ContactSettingsService],
})
export class DecisioningModule {}
