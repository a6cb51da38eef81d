import { useI18n } from 'vue-i18n';
import { useConfirm } from 'primevue/useconfirm';
import { useToast } from 'primevue/usetoast';
import { ref } from 'vue';
import type { Material } from '../../../shared/domain/records';
import { currentLocale } from '../../i18n';
import { formatBytes } from '../../pwa/storage';
import { getMaterial } from '../../db/repositories/offline-materials';
import { NeedsConsentError, NotEnoughSpaceError, removeOffline, saveOffline, type OfflineDeps } from './offline-cache';
import { browserOfflineDeps } from './offline-runtime';

/**
 * "Lưu để dùng ngoại tuyến" and "Xoá khỏi thiết bị" with their messages; when saving needs room that only materials
 * of sessions in the next 7 days can give, the user is asked first (never dropped silently).
 */
export function useOfflineActions(deps: () => OfflineDeps = browserOfflineDeps) {
  const { t } = useI18n();
  const confirm = useConfirm();
  const toast = useToast();
  const busy = ref<string | null>(null);

  async function save(material: Material, allowProtected = false): Promise<void> {
    busy.value = material.id;
    try {
      await saveOffline(deps(), material, { pinnedBy: 'user', allowProtected });
      toast.add({ severity: 'success', summary: t('materials.offline.saved', { title: material.title }), life: 3000 });
    } catch (error) {
      if (error instanceof NeedsConsentError) {
        const titles: string[] = [];
        for (const r of error.plan.askToDrop) titles.push((await getMaterial(r.materialId, deps().db))?.title ?? r.materialId);
        confirm.require({
          header: t('materials.offline.confirmTitle'),
          message: t('materials.offline.confirmMessage', { count: titles.length, titles: titles.join(', ') }),
          icon: 'pi pi-exclamation-triangle',
          acceptProps: { label: t('materials.offline.confirmAccept'), severity: 'danger' },
          rejectProps: { label: t('materials.offline.confirmReject'), severity: 'secondary', outlined: true },
          accept: () => void save(material, true),
        });
      } else {
        const reason =
          error instanceof NotEnoughSpaceError
            ? t('materials.offline.notEnoughSpace', { size: formatBytes(error.shortBy, currentLocale()) })
            : error instanceof Error
              ? error.message
              : String(error);
        toast.add({ severity: 'error', summary: t('materials.offline.saveFailed', { reason }), life: 6000 });
      }
    } finally {
      busy.value = null;
    }
  }

  async function remove(material: Material): Promise<void> {
    await removeOffline(deps(), material.id);
    toast.add({ severity: 'info', summary: t('materials.offline.removed', { title: material.title }), life: 3000 });
  }

  return { save, remove, busy };
}
